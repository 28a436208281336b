using System.Diagnostics;
using System.Security.Cryptography;

namespace Platform.Training.Tests.Data.Files;

/// <summary>
/// The real data sets that <c>tests/fixtures/data/make_sets.py</c> writes with numpy, scikit-learn and Pillow:
/// made once per test run by Debian's interpreter, and kept in a temp folder named by the script's hash,
/// so a later run reuses them until the script changes.
/// </summary>
internal static class RealSets
{
    // Debian's interpreter, where python3-numpy, python3-sklearn and python3-pil install; another python3 on the PATH lacks them.
    private const string Python = "/usr/bin/python3";
    private const string Packages = "python3-numpy python3-sklearn python3-pil";

    private static readonly Lazy<string> Folder = new(Make);

    public static string Dir => Folder.Value;

    /// <summary>A file or folder of the sets, quoted for a YAML flow mapping.</summary>
    public static string Yaml(string relative) => $"'{File(relative)}'";

    public static string File(string relative) => Path.Combine(Dir, relative);

    private static string Make()
    {
        var script = Path.Combine(Root(), "tests", "fixtures", "data", "make_sets.py");
        var hash = Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(script)))[..12].ToLowerInvariant();
        var dir = Path.Combine(Path.GetTempPath(), $"platform-real-sets-{hash}");
        var complete = Path.Combine(dir, ".complete");
        if (System.IO.File.Exists(complete))
        {
            return dir;
        }

        if (!System.IO.File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} not found: the data-file tests need Debian's python3 with {Packages} (apt-get install {Packages})");
        }

        var work = $"{dir}-{Guid.NewGuid():N}";
        Run(script, work);
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

    private static void Run(string script, string output)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(output);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("make_sets.py ran for more than 3 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"make_sets.py failed (exit {process.ExitCode}; it needs {Packages} for {Python}): {errors.Result.Trim()}");
        }
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test folder");
    }
}
