using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Platform.Silo.Hosting;

namespace Platform.Client.Jobs;

/// <summary>
/// A connection to a cluster: either a silo hosted in this process (no <c>--cluster</c>) or an
/// Orleans client connected to the listed gateways.
/// </summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private readonly IHost host;

    private ClusterConnection(IHost host, bool embedded)
    {
        this.host = host;
        Embedded = embedded;
    }

    public bool Embedded { get; }

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    /// <summary>The host's services (its logging, for one).</summary>
    internal IServiceProvider Services => host.Services;

    /// <summary>Connects to <paramref name="cluster"/>, or hosts a silo here (serving metrics on <paramref name="metricsPort"/>, 0 for none).</summary>
    public static async Task<ClusterConnection> OpenAsync(ClusterAddress? cluster, int metricsPort = 0)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
            // A slow first start (a cold disk, a busy machine) makes the silo's watchdog warn about its own threads: nothing for the user to act on.
            .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical); // a failed start is reported as one line by the caller
        if (cluster is null)
        {
            builder.AddPlatformSilo(SiloHosting.Embedded(metricsPort));
        }
        else
        {
            // Connection retries are reported once, as one line, when they give up; not as logged stack traces.
            builder.Logging.AddFilter("Orleans", LogLevel.Critical);
            builder.UseOrleansClient(client => client
                .UseStaticClustering([.. cluster.Gateways])
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId))
                .UseConnectionRetryFilter(new GiveUpAfter(ConnectTimeout)));
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (cluster is not null)
        {
            host.Dispose();
            throw new ClusterUnavailableException(
                $"cannot reach the cluster at {string.Join(",", cluster.Gateways)} (cluster id {cluster.ClusterId}, service id {cluster.ServiceId}) within {ConnectTimeout.TotalSeconds:0} s ({e.GetBaseException().Message})", e);
        }

        return new ClusterConnection(host, cluster is null);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stop.Token);
        host.Dispose();
    }

    /// <summary>Retries the first connection until a deadline, then lets the start fail.</summary>
    private sealed class GiveUpAfter(TimeSpan limit) : IClientConnectionRetryFilter
    {
        private readonly DateTimeOffset deadline = TimeProvider.System.GetUtcNow() + limit;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (TimeProvider.System.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            return true;
        }
    }
}
