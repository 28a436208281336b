using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Silo.Hosting;

/// <summary>
/// Probes for an orchestrator, on the metrics port: <c>/healthz/live</c> answers 200 while the process
/// serves requests; <c>/healthz/ready</c> answers 200 only while this silo is active in the cluster's
/// membership and not stopping (503 otherwise), so a draining or joining silo gets no new clients.
/// </summary>
internal sealed class HealthEndpoint(
    SiloOptions options,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IHostApplicationLifetime lifetime,
    ILogger<HealthEndpoint> logger) : BackgroundService
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The Prometheus exporter holds /metrics/ on the same port; HttpListener shares a port by prefix.
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://+:{options.MetricsPort}/healthz/");
        listener.Start();
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                logger.LogDebug("Health probe: {Error}", e.Message);
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var (status, body) = context.Request.Url?.AbsolutePath.TrimEnd('/') switch
        {
            LivePath => (200, "live"),
            ReadyPath => Ready(),
            _ => (404, "not found: use /healthz/live or /healthz/ready"),
        };
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    private (int, string) Ready()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return (503, "stopping");
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return status == SiloStatus.Active ? (200, "ready") : (503, $"silo is {status.ToString().ToLowerInvariant()}");
    }
}
