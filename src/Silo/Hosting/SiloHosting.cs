using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Grains;

namespace Platform.Silo.Hosting;

/// <summary>Adds the platform's Orleans silo to a host: clustering, job storage, clock.</summary>
public static class SiloHosting
{
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder, SiloOptions options)
    {
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(options.SiloPort, options.GatewayPort, options.Primary, options.ServiceId, options.ClusterId)
            .AddPlatformGrains());
        return builder;
    }

    /// <summary>What the grains need from any silo, whatever its clustering: job storage and a clock.</summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Jobs);
        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }

    /// <summary>Options for a silo living inside another process: free loopback ports, no gateway.</summary>
    public static SiloOptions Embedded() => new() { SiloPort = Endpoints.FreePort(), GatewayPort = 0 };
}
