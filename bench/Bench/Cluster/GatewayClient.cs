using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Platform.Bench.Cluster;

/// <summary>An Orleans client host connected to the given gateways, over mutual TLS when given the client's TLS settings.</summary>
public static class GatewayClient
{
    public static async Task<IHost> ConnectAsync(IEnumerable<IPEndPoint> gateways, Platform.Silo.Hosting.ClusterTls? tls = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c =>
        {
            c.UseStaticClustering([.. gateways]).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("platform", "platform"));
            if (tls is not null)
            {
                c.UseTls(tls.Configure);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
