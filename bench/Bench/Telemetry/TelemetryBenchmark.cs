using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;
using Platform.Silo.Hosting;

namespace Platform.Bench.Telemetry;

/// <summary>
/// What per-step telemetry costs. The fashion MLP and the CNN train as jobs on an in-process silo
/// (metrics exporter on, health rules off: they would measure the layers either way), with
/// <c>telemetry.enabled</c> true and false in alternating order; the
/// figure is step time as the rank measures it (forward, backward, statistics, update, metrics and
/// history reporting), and the ratio is the median of the per-pair ratios on/off.
/// </summary>
public sealed class TelemetryBenchmark(int steps, int runs, TextWriter log)
{
    public async Task<IReadOnlyList<TelemetryResult>> RunAsync()
    {
        var checkpoints = Directory.CreateTempSubdirectory("telemetry-bench-");
        try
        {
            using var host = BenchJobs.EmbeddedSilo(Endpoints.FreePort());
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();
            var results = new List<TelemetryResult>();
            foreach (var (name, model) in BenchJobs.Models)
            {
                // Warm-up: loads the data into the process cache and JIT-compiles both paths.
                await StepMsAsync(client, model, checkpoints.FullName, telemetry: true);
                await StepMsAsync(client, model, checkpoints.FullName, telemetry: false);
                var (on, off) = (new List<double>(), new List<double>());
                for (var run = 0; run < runs; run++)
                {
                    foreach (var telemetry in run % 2 == 0 ? new[] { true, false } : [false, true])
                    {
                        (telemetry ? on : off).Add(await StepMsAsync(client, model, checkpoints.FullName, telemetry));
                    }

                    await log.WriteLineAsync($"{name} run {run + 1}/{runs}: telemetry on {on[^1]:0.000} ms/step, off {off[^1]:0.000} ms/step");
                }

                var ratios = on.Zip(off, (a, b) => a / b).ToList();
                results.Add(new TelemetryResult(name, BenchStats.Median(ratios), BenchStats.Median(on), BenchStats.Median(off), on, off));
            }

            await host.StopAsync();
            return results;
        }
        finally
        {
            checkpoints.Delete(recursive: true);
        }
    }

    private async Task<double> StepMsAsync(IClusterClient client, string model, string checkpointDir, bool telemetry)
    {
        var yaml = BenchJobs.Spec(model, steps, checkpointDir, $"telemetry: {{enabled: {(telemetry ? "true" : "false")}}}", "health: {enabled: false}");
        var summary = await BenchJobs.RunToEndAsync(client, $"telemetry-{(telemetry ? "on" : "off")}", yaml);
        return summary.TrainSeconds * 1000 / summary.Steps;
    }
}

/// <summary>Median ms/step with telemetry on and off for one model, and the median of the per-pair ratios.</summary>
public sealed record TelemetryResult(string Model, double Ratio, double OnMs, double OffMs, IReadOnlyList<double> OnRunsMs, IReadOnlyList<double> OffRunsMs);
