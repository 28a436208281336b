using System.Net;
using Npgsql;
using Platform.Silo.CommandLine;
using Platform.Spec;

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
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>Where job records (spec, lifecycle, progress, checkpoint index, audit, summary) live: <c>memory</c> (default; lost with the silo), <c>redis</c> or <c>postgres</c>.</summary>
    public StorageKind Storage { get; set; } = StorageKind.Memory;

    /// <summary>Root folder for every job's checkpoints (a shared volume on a cluster); default: the spec's <c>checkpoint.dir</c>.</summary>
    public string? CheckpointDir { get; set; }

    /// <summary>The folder every data path of a submitted spec must be inside (<c>--data-root</c>); null: any path the silo can read.</summary>
    public string? DataRoot { get; set; }

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

    /// <summary>Where this silo's ranks keep their tensors when a job names no device: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>; checked at start.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// Whether jobs may bring code to run here (a model assembly, a TorchScript file): <c>--allow-user-code</c>
    /// or <c>PLATFORM_ALLOW_USER_CODE=true</c>. Default false. Whoever can reach the gateway can then run
    /// code on the silo with its user's rights.
    /// </summary>
    public bool AllowUserCode { get; set; }

    /// <summary>
    /// Mutual TLS for silo-to-silo and gateway connections (<c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>,
    /// or <c>PLATFORM_TLS_*</c>); null (the default) leaves the cluster open to whoever reaches its ports.
    /// </summary>
    public ClusterTls? Tls { get; set; }

    /// <summary>The silo's name in membership: the pod's name in Kubernetes (<c>POD_NAME</c>), else Orleans' default.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// True inside a pod of deploy/k8s: <c>KUBERNETES_SERVICE_HOST</c> (set by Kubernetes) and the
    /// downward API's <c>POD_NAME</c> and <c>POD_NAMESPACE</c>; Orleans' Kubernetes hosting then watches the pods.
    /// </summary>
    public bool InKubernetes { get; set; }

    /// <summary>
    /// Reads the command line, falling back to <c>PLATFORM_*</c> variables for each option when the
    /// reader was given an environment, and to what a pod's downward API gives: <c>POD_IP</c>
    /// (advertised address), <c>POD_NAME</c>, <c>ORLEANS_CLUSTER_ID</c>, <c>ORLEANS_SERVICE_ID</c>.
    /// </summary>
    public static SiloOptions Parse(ArgReader args)
    {
        var advertise = args.Value("advertise") ?? args.Variable("POD_IP");
        var options = new SiloOptions
        {
            SiloPort = args.Int("silo-port", min: 1, max: 65535) ?? 11111,
            GatewayPort = args.Int("gateway-port", min: 0, max: 65535) ?? 30000,
            MetricsPort = args.Int("metrics-port", min: 0, max: 65535) ?? DefaultMetricsPort,
            Primary = args.Value("primary") is { } p ? Endpoints.Parse(p, args.Source("primary")) : null,
            AdvertisedAddress = advertise is { } a
                ? (IPAddress.TryParse(a, out var ip) ? ip : throw new UsageException($"{(args.Value("advertise") is null ? "POD_IP" : args.Source("advertise"))}: not an IP address: '{a}'"))
                : null,
            Clustering = Kind(args, "clustering", ClusteringKind.Localhost),
            Storage = Kind(args, "storage", StorageKind.Memory),
            CheckpointDir = args.Value("checkpoint-dir"),
            DataRoot = args.Value("data-root"),
            Redis = args.Value("redis"),
            Postgres = args.Value("postgres"),
            Device = args.Value("device") ?? "cpu",
            AllowUserCode = args.Switch("allow-user-code"),
            ClusterId = args.Value("cluster-id") ?? args.Variable("ORLEANS_CLUSTER_ID") ?? "platform",
            ServiceId = args.Value("service-id") ?? args.Variable("ORLEANS_SERVICE_ID") ?? "platform",
            SiloName = args.Variable("POD_NAME"),
            Tls = ClusterTls.From(args),
            InKubernetes = args.Variable("KUBERNETES_SERVICE_HOST") is not null && args.Variable("POD_NAME") is not null && args.Variable("POD_NAMESPACE") is not null,
        };
        options.Validate(args);
        return options;
    }

    /// <summary>An option naming one of an enum's members, as <see cref="Choice.Name"/> spells them.</summary>
    private static T Kind<T>(ArgReader args, string option, T fallback)
        where T : struct, Enum
    {
        var value = args.Value(option) ?? Choice.Name(fallback);
        return Choice.Names<T>().Contains(value)
            ? Choice.Parse<T>(value, option)
            : throw new UsageException($"{args.Source(option)}: unknown value '{value}' (expected: {string.Join(", ", Choice.Names<T>())})");
    }

    private void Validate(ArgReader args)
    {
        foreach (var (option, redis) in new[] { ("storage", Storage == StorageKind.Redis), ("clustering", Clustering == ClusteringKind.Redis) })
        {
            if (redis && string.IsNullOrWhiteSpace(Redis))
            {
                throw new UsageException($"{args.Source(option)} redis needs {args.Source("redis")} CONNECTION (e.g. 127.0.0.1:6379)");
            }
        }

        CheckPostgres(this, args);

        if (Clustering != ClusteringKind.Redis && Storage != StorageKind.Redis && Redis is not null)
        {
            throw new UsageException($"{args.Source("redis")} applies only with --clustering redis or --storage redis");
        }

        foreach (var (option, folder) in new[] { ("checkpoint-dir", CheckpointDir), ("data-root", DataRoot) })
        {
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new UsageException($"{args.Source(option)}: folder {folder} does not exist");
            }
        }

        if (!EngineSpec.IsDevice(Device))
        {
            throw new UsageException($"{args.Source("device")}: {EngineSpec.DeviceError(Device)}");
        }
    }

    private static void CheckPostgres(SiloOptions options, ArgReader args)
    {
        if (options.Storage == StorageKind.Postgres && string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new UsageException($"{args.Source("storage")} postgres needs {args.Source("postgres")} CONNECTION (e.g. Host=127.0.0.1;Port=5432;Username=platform;Password=...;Database=platform)");
        }

        if (options.Postgres is { } connection)
        {
            if (options.Storage != StorageKind.Postgres)
            {
                throw new UsageException($"{args.Source("postgres")} applies only with --storage postgres");
            }

            try
            {
                _ = new NpgsqlConnectionStringBuilder(connection);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"{args.Source("postgres")}: not an Npgsql connection string ({e.Message}); expected KEY=VALUE pairs such as Host=127.0.0.1;Port=5432;Username=platform;Database=platform");
            }
        }
    }
}

/// <summary>How silos find each other: on this machine through a primary silo, or through a Redis membership table.</summary>
public enum ClusteringKind
{
    Localhost,
    Redis,
}

/// <summary>Where job records live: in the silos' memory, in Redis, or in PostgreSQL.</summary>
public enum StorageKind
{
    Memory,
    Redis,
    Postgres,
}
