using System.Diagnostics;

namespace Platform.Client.Tests;

/// <summary>Runs the real <c>platform</c> command line as a separate process, as a user would.</summary>
internal sealed class PlatformProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    private PlatformProcess(string workDir, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Repo.PlatformDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start platform");
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => process.Id;

    public static PlatformProcess Start(string workDir, params string[] args) => new(workDir, args);

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string workDir, params string[] args)
    {
        using var p = Start(workDir, args);
        return await p.WaitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Runs with extra environment variables, as a container would set them.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var p = new PlatformProcess(workDir, args, environment);
        return await p.WaitAsync(TimeSpan.FromMinutes(3));
    }

    public async Task<(int Exit, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"platform did not exit within {timeout}; stderr so far: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal would.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
