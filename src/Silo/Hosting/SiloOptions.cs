using System.Net;
using Npgsql;
using Platform.Silo.CommandLine;

namespace Platform.Silo.Hosting;

/// <summary>How a silo joins its cluster.</summary>
public sealed class SiloOptions
{
    /// <summary>The conventional port of an OpenTelemetry Prometheus exporter.</summary>
    public const int DefaultMetricsPort = 9464;

    /// <summary>Port for silo-to-silo traffic. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default 30000; 0 runs no gateway.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo endpoint of the primary silo (localhost clustering); null makes this silo the primary.</summary>
    public IPEndPoint? Primary { get; set; }

    /// <summary>Membership: <c>localhost</c> (development clustering, the primary silo keeps the table; default) or <c>redis</c>.</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>Where job records (spec, lifecycle, progress, checkpoint index, audit, summary) live: <c>memory</c> (default; lost with the silo), <c>redis</c> or <c>postgres</c>.</summary>
    public string Storage { get; set; } = "memory";

    /// <summary>Root folder for every job's checkpoints (a shared volume on a cluster); default: the spec's <c>checkpoint.dir</c>.</summary>
    public string? CheckpointDir { get; set; }

    /// <summary>Redis connection string for <c>--clustering redis</c> and <c>--storage redis</c>, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Npgsql connection string for <c>--storage postgres</c>, e.g. <c>Host=127.0.0.1;Port=5432;Username=platform;Password=...;Database=platform</c>; no default.</summary>
    public string? Postgres { get; set; }

    /// <summary>Address other silos and clients use to reach this one. Default loopback.</summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>
    /// Port of the Prometheus scrape endpoint (<c>/metrics</c>). Default <see cref="DefaultMetricsPort"/>
    /// for <c>platform silo</c>, off for a silo embedded in <c>platform train</c>; 0 turns it off.
    /// </summary>
    public int MetricsPort { get; set; } = DefaultMetricsPort;

    /// <summary>Cluster identity; silos and clients must agree. Default "platform".</summary>
    public string ClusterId { get; set; } = "platform";

    /// <summary>Service identity, stable across deployments. Default "platform".</summary>
    public string ServiceId { get; set; } = "platform";

    public static SiloOptions Parse(ArgReader args)
    {
        var options = new SiloOptions
        {
            SiloPort = args.Int("silo-port", min: 1) ?? 11111,
            GatewayPort = args.Int("gateway-port", min: 0) ?? 30000,
            MetricsPort = args.Int("metrics-port", min: 0, max: 65535) ?? DefaultMetricsPort,
            Primary = args.Value("primary") is { } p ? Endpoints.Parse(p, "--primary") : null,
            AdvertisedAddress = args.Value("advertise") is { } a
                ? (IPAddress.TryParse(a, out var ip) ? ip : throw new UsageException($"--advertise: not an IP address: '{a}'"))
                : null,
        };
        options.Clustering = args.Value("clustering") ?? "localhost";
        options.Storage = args.Value("storage") ?? "memory";
        options.CheckpointDir = args.Value("checkpoint-dir");
        options.Redis = args.Value("redis");
        options.Postgres = args.Value("postgres");
        if (options.Storage is not ("memory" or "redis" or "postgres"))
        {
            throw new UsageException($"--storage: unknown value '{options.Storage}' (expected: memory, redis, postgres)");
        }

        if (options.Storage == "redis" && string.IsNullOrWhiteSpace(options.Redis))
        {
            throw new UsageException("--storage redis needs --redis CONNECTION (e.g. 127.0.0.1:6379)");
        }

        CheckPostgres(options);

        if (options.CheckpointDir is { } dir && !Directory.Exists(dir))
        {
            throw new UsageException($"--checkpoint-dir: folder {dir} does not exist");
        }
        if (options.Clustering is not ("localhost" or "redis"))
        {
            throw new UsageException($"--clustering: unknown value '{options.Clustering}' (expected: localhost, redis)");
        }

        if (options.Clustering == "redis" && string.IsNullOrWhiteSpace(options.Redis))
        {
            throw new UsageException("--clustering redis needs --redis CONNECTION (e.g. 127.0.0.1:6379)");
        }

        if (options.Clustering != "redis" && options.Storage != "redis" && options.Redis is not null)
        {
            throw new UsageException("--redis applies only with --clustering redis or --storage redis");
        }

        return options;
    }

    private static void CheckPostgres(SiloOptions options)
    {
        if (options.Storage == "postgres" && string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new UsageException("--storage postgres needs --postgres CONNECTION (e.g. Host=127.0.0.1;Port=5432;Username=platform;Password=...;Database=platform)");
        }

        if (options.Postgres is { } connection)
        {
            if (options.Storage != "postgres")
            {
                throw new UsageException("--postgres applies only with --storage postgres");
            }

            try
            {
                _ = new NpgsqlConnectionStringBuilder(connection);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--postgres: not an Npgsql connection string ({e.Message}); expected KEY=VALUE pairs such as Host=127.0.0.1;Port=5432;Username=platform;Database=platform");
            }
        }
    }
}
