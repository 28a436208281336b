namespace Platform.Training.Data.Files;

/// <summary>Opens the files a spec names, so that a missing one is reported with its field and path.</summary>
internal static class InputFile
{
    public static FileStream Open(string path, string field) =>
        File.Exists(path) ? File.OpenRead(path) : throw Missing(path, field, "file");

    public static string Require(string path, string field) =>
        File.Exists(path) ? path : throw Missing(path, field, "file");

    public static string Folder(string path, string field) =>
        Directory.Exists(path) ? path : throw Missing(path, field, "folder");

    /// <summary>A path's file name, for messages: the folder is the user's, the name is what they recognise.</summary>
    public static string Name(string path) => Path.GetFileName(path.TrimEnd('/', '\\'));

    private static DatasetUnavailableException Missing(string path, string field, string what) =>
        new($"{field}: {what} not found: {Path.GetFullPath(path)}");
}
