using System.Diagnostics;

namespace Platform.Tests.Shared;

/// <summary>
/// Runs a script with Debian's Python 3 and its packages (python3-torch, python3-numpy, ...), which
/// <c>./test</c> installs. Debian's interpreter is named by its path: another python3 on the PATH
/// would not see those packages.
/// </summary>
internal static class DebianPython
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The script's standard output; throws with its standard error when it fails.</summary>
    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException($"{Interpreter} not found: install Debian's python3 (./test does)");
        }

        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // One thread and OpenBLAS where installed: results must not depend on how busy the machine is.
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 5 minutes");
        }

        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{Path.GetFileName(script)} failed ({process.ExitCode}): {stderr}");
    }
}
