using System.Net;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Client.Jobs;

/// <summary>
/// A cluster as the command line names it: its gateways (<c>--cluster HOST:PORT,...</c>) and the
/// cluster and service ids its silos were started with (<c>--cluster-id</c>, <c>--service-id</c>,
/// or <c>PLATFORM_CLUSTER_ID</c>, <c>PLATFORM_SERVICE_ID</c>; "platform" as on the silo). A client
/// whose ids differ from the silos' is turned away by the gateway. With <c>--tls-cert</c>,
/// <c>--tls-key</c> and <c>--tls-ca</c> (or <c>PLATFORM_TLS_*</c>) the connection is mutual TLS.
/// </summary>
internal sealed record ClusterAddress(IReadOnlyList<IPEndPoint> Gateways, string ClusterId, string ServiceId, ClusterTls? Tls = null)
{
    public const string DefaultId = "platform";

    public static ClusterAddress Default(IReadOnlyList<IPEndPoint> gateways) => new(gateways, DefaultId, DefaultId);

    /// <summary>The cluster the options name; null when there is no <c>--cluster</c> and <paramref name="command"/> can do without.</summary>
    public static ClusterAddress? From(ArgReader reader, string? command = null)
    {
        var clusterId = Id(reader, "cluster-id");
        var serviceId = Id(reader, "service-id");
        if (reader.Value("cluster") is not { } gateways)
        {
            // PLATFORM_TLS_* set for cluster commands are not read (nor their files loaded) without one.
            if (TlsPaths.Options.Any(o => reader.Value(o) is not null))
            {
                throw new UsageException("--tls-cert, --tls-key and --tls-ca secure the connection --cluster makes; pass --cluster too");
            }

            if (command is not null)
            {
                throw new UsageException($"{command} needs --cluster HOST:PORT,...");
            }

            if (reader.Value("cluster-id") is not null || reader.Value("service-id") is not null)
            {
                throw new UsageException("--cluster-id and --service-id name the cluster that --cluster reaches; pass --cluster too");
            }

            return null;
        }

        return new ClusterAddress(Endpoints.ParseList(gateways, "--cluster"), clusterId ?? DefaultId, serviceId ?? DefaultId, ClusterTls.From(reader, processEnvironment: true));
    }

    private static string? Id(ArgReader reader, string option)
    {
        var variable = ArgReader.VariableFor(option);
        var (value, source) = reader.Value(option) is { } v ? (v, $"--{option}") : (Environment.GetEnvironmentVariable(variable), variable);
        return value is null || (value.Length > 0 && !value.Any(char.IsWhiteSpace))
            ? value
            : throw new UsageException($"{source} must be a non-empty name without spaces (got '{value}')");
    }
}
