using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;
using Platform.Spec;
using Platform.Training.Runtime;

namespace Platform.Silo;

/// <summary>Runs a silo until it is stopped (Ctrl+C or SIGTERM).</summary>
public static class SiloProgram
{
    public const string Usage =
        "usage: platform silo [--silo-port P] [--gateway-port G] [--primary HOST:PORT] [--clustering localhost|redis] [--redis CONNECTION]\n" +
        "                     [--storage memory|redis|postgres] [--postgres CONNECTION] [--checkpoint-dir DIR] [--data-root DIR] [--advertise IP] [--metrics-port M (default 9464, 0 = off)]\n" +
        "                     [--cluster-id ID] [--service-id ID] [--device cpu|cuda|cuda:N] [--allow-user-code] [--tls-cert PEM --tls-key PEM --tls-ca PEM]\n" +
        "  --tls-*: mutual TLS for silo and gateway connections: this silo's certificate and key, and the cluster's CA; a peer\n" +
        "           whose certificate that CA did not sign is refused. Without them the cluster is open to anyone who reaches its ports\n" +
        "  --postgres: Npgsql connection string for --storage postgres, e.g. Host=127.0.0.1;Port=5432;Username=platform;Password=...;Database=platform\n" +
        "              (the silo creates its tables in that database when they are missing)\n" +
        "every option may instead come from the environment as PLATFORM_<OPTION> (PLATFORM_SILO_PORT=11111); in a pod,\n" +
        "POD_IP, POD_NAME, ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID are read too";

    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        SiloOptions options;
        var reader = new ArgReader(args, new HashSet<string> { "allow-user-code" }, ArgReader.ProcessEnvironment());
        try
        {
            options = SiloOptions.Parse(reader);
            reader.Done(maxPositionals: 0);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{Usage}");
            return 2;
        }

        try
        {
            // A silo that was given a GPU it cannot use says so now, rather than fail every rank placed on it.
            ComputeDevice.Open(options.Device, reader.Source("device"));
        }
        catch (SpecException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        if (options.MetricsPort > 0 && !Endpoints.IsFree(options.MetricsPort))
        {
            await Console.Error.WriteLineAsync($"error: --metrics-port {options.MetricsPort} is in use (another silo on this machine?); pick another port, or 0 to serve no metrics");
            return 1;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Orleans", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical); // a failed start is reported below as one line
        builder.AddPlatformSilo(options);
        using var host = builder.Build();
        try
        {
            using var join = new CancellationTokenSource(JoinTimeout);
            await host.StartAsync(join.Token);
        }
        catch (Exception e) when (e.GetBaseException() is PostgresUnavailableException unavailable)
        {
            await Console.Error.WriteLineAsync($"error: the silo could not start: {unavailable.Message}");
            return 1;
        }
        catch (Exception e)
        {
            var via = options.Clustering == ClusteringKind.Redis ? $"Redis at {options.Redis}" : options.Primary is { } p ? $"the primary silo at {p}" : "localhost clustering";
            await Console.Error.WriteLineAsync($"error: the silo could not start or join the cluster through {via} within {JoinTimeout.TotalSeconds:0} s{(e is OperationCanceledException ? "" : $": {e.GetBaseException().Message}")}");
            return 1;
        }

        var metrics = options.MetricsPort > 0 ? $", metrics on http://127.0.0.1:{options.MetricsPort}/metrics" : "";
        await Console.Out.WriteLineAsync($"silo ready{(options.SiloName is { } name ? $" ({name})" : "")}: cluster {options.ClusterId}, silo port {options.SiloPort}, gateway port {options.GatewayPort}, clustering {Choice.Name(options.Clustering)}, storage {Choice.Name(options.Storage)}, {(options.Tls is null ? "no TLS" : "mutual TLS")}{metrics}");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
