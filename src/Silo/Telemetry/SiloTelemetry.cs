using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Platform.Grains.Telemetry;

using Platform.Silo.Hosting;

namespace Platform.Silo.Telemetry;

/// <summary>
/// OpenTelemetry metrics of a silo: the platform's meter (<see cref="TrainingInstruments.MeterName"/>),
/// Orleans' own (<c>Microsoft.Orleans</c>) and the .NET runtime's, served for Prometheus on
/// <c>http://HOST:PORT/metrics</c> and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, exported over OTLP.
/// </summary>
public static class SiloTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, SiloOptions options)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        if (options.MetricsPort == 0 && !exportOtlp)
        {
            return builder;
        }

        builder.Services.AddSingleton<OrleansMetricsBridge>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("platform-silo", serviceInstanceId: $"{options.AdvertisedAddress?.ToString() ?? "127.0.0.1"}:{options.SiloPort}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TrainingInstruments.MeterName, OrleansMeter)
                    .AddRuntimeInstrumentation()
                    .AddView(MetricViews.Configure)
                    .AddInstrumentation(sp => sp.GetRequiredService<OrleansMetricsBridge>());
                if (options.MetricsPort > 0)
                {
                    // The exporter's Host names one host; a pod is scraped on its pod IP, so listen on every
                    // interface ("+", which the exporter's URI builder cannot express).
                    metrics.AddPrometheusHttpListener(o =>
                    {
                        o.Port = options.MetricsPort;
                        o.ConfigureHttpListener = (_, listener) =>
                        {
                            listener.Prefixes.Clear();
                            listener.Prefixes.Add($"http://+:{options.MetricsPort}/metrics/");
                        };
                    });
                }

                if (exportOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }
}
