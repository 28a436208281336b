namespace Platform.Client.Tests;

/// <summary>Locations in the repository the tests read from, and fresh work folders they write to.</summary>
internal static class Repo
{
    public static string Root => Platform.Tests.Shared.RepoRoot.Dir;

    /// <summary>The command line under test, as built next to the tests.</summary>
    public static string PlatformDll { get; } = Path.Combine(AppContext.BaseDirectory, "platform.dll");

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    public static string NewWorkDir() => Directory.CreateTempSubdirectory("platform-cli-").FullName;
}
