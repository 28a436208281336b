using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;
using Platform.Spec;
using Platform.Training.Engine;

namespace Platform.Bench.Overhead;

/// <summary>
/// The cost of training through the grains. The same job (build the model, N steps, evaluate,
/// write a checkpoint) runs (a) as a job on an in-process silo, timed from submit to completion as a
/// client sees it, and (b) as a plain loop over the same training code, alternating which goes first.
/// </summary>
public sealed class OverheadBenchmark(int steps, int runs, int? threads, TextWriter log)
{
    public async Task<OverheadResult> RunAsync()
    {
        var checkpoints = Directory.CreateTempSubdirectory("overhead-bench-");
        try
        {
            var yaml = Spec(checkpoints.FullName);
            var spec = JobSpecDocument.Parse(yaml).Validate();
            using var host = BenchJobs.EmbeddedSilo();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();

            // Warm-up: loads the data set into the process cache and JIT-compiles both paths.
            await Platform(client, yaml, "warmup");
            Plain(spec, checkpoints.FullName);

            var (platform, plain) = (new List<double>(), new List<double>());
            for (var run = 0; run < runs; run++)
            {
                var order = run % 2 == 0 ? new[] { true, false } : [false, true];
                foreach (var throughGrains in order)
                {
                    var seconds = throughGrains ? await Platform(client, yaml, $"run{run}") : Plain(spec, checkpoints.FullName);
                    (throughGrains ? platform : plain).Add(seconds * 1000 / steps);
                }

                await log.WriteLineAsync($"run {run + 1}/{runs}: platform {platform[^1]:0.000} ms/step, plain {plain[^1]:0.000} ms/step");
            }

            await host.StopAsync();
            // Each run pairs the two paths back to back, so the ratio of a pair cancels the machine's slow drifts.
            var ratios = platform.Zip(plain, (a, b) => a / b).ToList();
            return new OverheadResult(BenchStats.Median(ratios), BenchStats.Median(platform), BenchStats.Median(plain), steps, platform, plain);
        }
        finally
        {
            checkpoints.Delete(recursive: true);
        }
    }

    private string Spec(string checkpointDir) => $"""
        model: {"{"}kind: mlp, depth: 3, width: 256, activation: relu{"}"}
        data: {"{"}dataset: fashion-mnist{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 128
        steps: {steps}
        seed: 1
        threads: {threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}
        checkpoint: {"{"}dir: '{checkpointDir}', interval: {steps}, keep: 1{"}"}
        """;

    private static async Task<double> Platform(IClusterClient client, string yaml, string name)
    {
        var clock = Stopwatch.StartNew();
        await BenchJobs.RunToEndAsync(client, $"overhead-{name}", yaml);
        return clock.Elapsed.TotalSeconds;
    }

    private static double Plain(JobSpec spec, string checkpointDir)
    {
        var clock = Stopwatch.StartNew();
        using var session = new TrainingSession(spec, rank: 0, worldSize: 1);
        while (!session.Finished)
        {
            session.RunStep();
        }

        session.SaveCheckpoint(Path.Combine(checkpointDir, "plain", "final.ckpt"));
        session.Evaluate();
        session.ParameterL2();
        return clock.Elapsed.TotalSeconds;
    }
}

/// <summary>Median milliseconds per step through the platform and in a plain loop, and the median of the per-run ratios.</summary>
public sealed record OverheadResult(double Ratio, double PlatformMs, double PlainMs, int Steps, IReadOnlyList<double> PlatformRunsMs, IReadOnlyList<double> PlainRunsMs);
