using System.Net;
using Platform.Silo.CommandLine;

namespace Platform.Silo.Hosting;

/// <summary>How a silo joins its cluster.</summary>
public sealed class SiloOptions
{
    /// <summary>Port for silo-to-silo traffic. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default 30000; 0 runs no gateway.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo endpoint of the primary silo (localhost clustering); null makes this silo the primary.</summary>
    public IPEndPoint? Primary { get; set; }

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
            Primary = args.Value("primary") is { } p ? Endpoints.Parse(p, "--primary") : null,
            ClusterId = args.Value("cluster-id") ?? "platform",
            ServiceId = args.Value("service-id") ?? "platform",
        };
        var clustering = args.Value("clustering") ?? "localhost";
        if (clustering != "localhost")
        {
            throw new UsageException($"--clustering: unknown value '{clustering}' (expected: localhost)");
        }

        return options;
    }
}
