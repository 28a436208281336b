namespace Platform.Tests.Shared;

/// <summary>The repository the tests were built from, found above the test's folder.</summary>
internal static class RepoRoot
{
    public static string Dir { get; } = Find();

    /// <summary>A path inside the repository, such as <c>Path("examples", "torchscript", "convnet.py")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Platform.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test folder");
    }
}
