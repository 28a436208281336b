using System.Security.Cryptography;
using Platform.Tests.Shared;

namespace Platform.Training.Tests.Data.Files;

/// <summary>
/// The real data sets that <c>tests/fixtures/data/make_sets.py</c> writes with numpy, scikit-learn and Pillow:
/// made once per test run by Debian's interpreter, and kept in a temp folder named by the script's hash,
/// so a later run reuses them until the script changes.
/// </summary>
internal static class RealSets
{
    private const string Packages = "python3-numpy python3-sklearn python3-pil";

    private static readonly Lazy<string> Folder = new(Make);

    public static string Dir => Folder.Value;

    /// <summary>A file or folder of the sets, quoted for a YAML flow mapping.</summary>
    public static string Yaml(string relative) => $"'{File(relative)}'";

    public static string File(string relative) => Path.Combine(Dir, relative);

    private static string Make()
    {
        var script = RepoRoot.Path("tests", "fixtures", "data", "make_sets.py");
        var hash = Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(script)))[..12].ToLowerInvariant();
        var dir = Path.Combine(Path.GetTempPath(), $"platform-real-sets-{hash}");
        var complete = Path.Combine(dir, ".complete");
        if (System.IO.File.Exists(complete))
        {
            return dir;
        }

        var work = $"{dir}-{Guid.NewGuid():N}";
        try
        {
            DebianPython.Run(script, work);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"the data-file tests need Debian's python3 with {Packages} (apt-get install {Packages}): {e.Message}");
        }

        System.IO.File.WriteAllText(Path.Combine(work, ".complete"), "");
        try
        {
            Directory.Move(work, dir);
        }
        catch (IOException) when (System.IO.File.Exists(complete))
        {
            // Another test process made them first.
            Directory.Delete(work, recursive: true);
        }

        return dir;
    }
}
