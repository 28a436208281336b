using System.Diagnostics;
using System.Globalization;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Bench.Cluster;

/// <summary>A real <c>platform silo</c> process on loopback, started and awaited until it says it is ready.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> output = [];
    private bool disposed;

    private SiloProcess(string platformDll, string workDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        SiloPort = Endpoints.FreePort();
        GatewayPort = Endpoints.FreePort();
        MetricsPort = Endpoints.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        (string Option, int Port)[] ports = [("silo-port", SiloPort), ("gateway-port", GatewayPort), ("metrics-port", MetricsPort)];
        start.ArgumentList.Add(platformDll);
        start.ArgumentList.Add("silo");
        foreach (var (option, port) in ports)
        {
            // A pod is configured through its environment only; a plain silo through its command line.
            if (environment is null)
            {
                start.ArgumentList.Add($"--{option}");
                start.ArgumentList.Add(Text(port));
            }
            else
            {
                start.Environment[ArgReader.VariableFor(option)] = Text(port);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Observe(e.Data);
        process.ErrorDataReceived += (_, e) => Observe(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"silo exited: {Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The silo's process id.</summary>
    public int ProcessId => process.Id;

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Where the silo serves its metrics for Prometheus.</summary>
    public int MetricsPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public string MetricsUrl => $"http://127.0.0.1:{MetricsPort}/metrics";

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    public static Task<SiloProcess> StartAsync(string platformDll, string workDir, params string[] args) =>
        ReadyAsync(() => new SiloProcess(platformDll, workDir, args));

    /// <summary>Starts a silo configured only by environment variables, as a pod is (its ports included).</summary>
    public static Task<SiloProcess> StartWithEnvironmentAsync(string platformDll, string workDir, IReadOnlyDictionary<string, string> environment) =>
        ReadyAsync(() => new SiloProcess(platformDll, workDir, [], environment));

    /// <summary>
    /// Waits until the silo says it is ready; one that never does is killed, not left behind. Its
    /// free ports were found by binding port 0 and letting go, so any other socket of the machine
    /// (an outgoing connection's ephemeral port) can take one before the silo binds it: a silo that
    /// exits with the address in use is started again on other ports.
    /// </summary>
    private static async Task<SiloProcess> ReadyAsync(Func<SiloProcess> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            var silo = start();
            try
            {
                await silo.ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
                return silo;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                await silo.DisposeAsync();
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> silos; with localhost clustering the first is the primary.</summary>
    public static async Task<IReadOnlyList<SiloProcess>> StartClusterAsync(string platformDll, string workDir, int count, string? redis = null, params string[] extra)
    {
        string[] clustering = redis is null ? [.. extra] : ["--clustering", "redis", "--redis", redis, .. extra];
        var first = await StartAsync(platformDll, workDir, clustering);
        string[] rest = redis is null ? ["--primary", $"127.0.0.1:{first.SiloPort}", .. extra] : clustering;
        var starting = Enumerable.Range(1, count - 1).Select(_ => StartAsync(platformDll, workDir, rest)).ToList();
        try
        {
            return [first, .. await Task.WhenAll(starting)];
        }
        catch
        {
            // A silo that did not start must not leave the others running behind the caller's back.
            await Task.WhenAll(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask()).Append(first.DisposeAsync().AsTask()));
            throw;
        }
    }

    /// <summary>Stops the silo as SIGTERM would on a node: it leaves the cluster in order.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Observe(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }

        if (line.StartsWith("silo ready", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
