using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Platform.Grains;
using Platform.Grains.Collectives;
using Platform.Grains.Placement;
using Platform.Grains.Telemetry;
using Platform.Silo.Telemetry;

namespace Platform.Silo.Hosting;

/// <summary>Adds the platform's Orleans silo to a host: clustering, job storage, clock.</summary>
public static class SiloHosting
{
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder, SiloOptions options)
    {
        builder.UseOrleans(silo =>
        {
            if (options.Clustering == "redis")
            {
                silo.UseRedisClustering(options.Redis!)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId))
                    .Configure<EndpointOptions>(o =>
                    {
                        o.AdvertisedIPAddress = options.AdvertisedAddress ?? IPAddress.Loopback;
                        o.SiloPort = options.SiloPort;
                        o.GatewayPort = options.GatewayPort;
                    });
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, options.Primary, options.ServiceId, options.ClusterId);
            }

            silo.AddPlatformGrains();
        });
        return builder.AddPlatformTelemetry(options);
    }

    /// <summary>What the grains need from any silo, whatever its clustering: job storage and a clock.</summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Jobs);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddPlacementDirector<RankPlacementStrategy, RankPlacementDirector>();
        silo.Services.TryAddSingleton<TensorTransportService>();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<TrainingInstruments>();
        return silo;
    }

    /// <summary>Options for a silo living inside another process: free loopback ports, no gateway.</summary>
    public static SiloOptions Embedded(int metricsPort = 0) => new() { SiloPort = Endpoints.FreePort(), GatewayPort = 0, MetricsPort = metricsPort };
}
