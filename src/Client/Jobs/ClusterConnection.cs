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
        GiveUpAfter? retry = null;
        if (cluster is null)
        {
            builder.AddPlatformSilo(SiloHosting.Embedded(metricsPort));
        }
        else
        {
            // Connection retries are reported once, as one line, when they give up; not as logged stack traces.
            builder.Logging.AddFilter("Orleans", LogLevel.Critical);
            retry = new GiveUpAfter(ConnectTimeout, cluster);
            builder.UseOrleansClient(client =>
            {
                client.UseStaticClustering([.. cluster.Gateways])
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId))
                    .UseConnectionRetryFilter(retry);
                if (cluster.Tls is { } tls)
                {
                    client.UseTls(tls.Configure);
                }
            });
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (cluster is not null)
        {
            host.Dispose();
            throw new ClusterUnavailableException(Unreachable(cluster, retry?.TlsRefusal, e), e);
        }

        return new ClusterConnection(host, cluster is null);
    }

    /// <summary>Why the cluster could not be reached, in one line: a refused TLS handshake says so, and a plain client is told TLS may be why.</summary>
    private static string Unreachable(ClusterAddress cluster, string? tlsRefusal, Exception e)
    {
        var where = $"the cluster at {string.Join(",", cluster.Gateways)} (cluster id {cluster.ClusterId}, service id {cluster.ServiceId})";
        if ((tlsRefusal ?? TlsFailure(e)) is { } failure)
        {
            return $"TLS with {where} failed: {failure}; the gateway must present a certificate signed by --tls-ca ({cluster.Tls?.Paths.Ca}), and ours ({cluster.Tls?.Paths.Cert}) must be signed by the cluster's CA";
        }

        var hint = cluster.Tls is null ? "; if its silos run with TLS, pass --tls-cert, --tls-key and --tls-ca" : "";
        return $"cannot reach {where} within {ConnectTimeout.TotalSeconds:0} s ({e.GetBaseException().Message}){hint}";
    }

    /// <summary>The message of a failed TLS handshake anywhere in <paramref name="e"/>'s causes; null when none failed.</summary>
    private static string? TlsFailure(Exception? e) => e switch
    {
        null => null,
        System.Security.Authentication.AuthenticationException a => a.Message,
        AggregateException many => many.InnerExceptions.Select(TlsFailure).FirstOrDefault(m => m is not null),
        _ => TlsFailure(e.InnerException),
    };

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stop.Token);
        host.Dispose();
    }

    /// <summary>
    /// Retries the first connection until a deadline, then lets the start fail; with TLS, a failed
    /// attempt is diagnosed by <see cref="TlsProbe"/>, and a refused handshake ends the retries at once
    /// (it would be refused again).
    /// </summary>
    private sealed class GiveUpAfter(TimeSpan limit, ClusterAddress cluster) : IClientConnectionRetryFilter
    {
        private readonly DateTimeOffset deadline = TimeProvider.System.GetUtcNow() + limit;

        /// <summary>Why the TLS handshake was refused, once a probe found out.</summary>
        public string? TlsRefusal { get; private set; }

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (cluster.Tls is { } tls)
            {
                TlsRefusal ??= TlsFailure(exception) ?? await TlsProbe.RefusalAsync(cluster.Gateways[0], tls, TimeSpan.FromSeconds(5));
            }

            if (TimeProvider.System.GetUtcNow() >= deadline || TlsRefusal is not null)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            return true;
        }
    }
}
