using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;
using Platform.Spec;

namespace Platform.Bench.AdaptiveBatch;

/// <summary>
/// What <c>adaptive_batch</c> buys: the same job with its fixed batch and with the batch adapting
/// (once per learning-rate rule), on one in-process silo, in turns whose order rotates from run to
/// run. Each run gives, per rule, the fixed run's training time over the adaptive run's and the
/// difference of their test accuracies; the figures are the medians over the runs.
/// </summary>
public sealed class AdaptiveBatchBenchmark(JobSpecDocument spec, int workers, int runs, IReadOnlyList<LrRule> rules, TextWriter log)
{
    public async Task<AdaptiveBatchResult> RunAsync()
    {
        var checkpoints = Directory.CreateTempSubdirectory("adaptive-batch-bench-");
        try
        {
            var fixedYaml = spec.Set($"workers={workers}").Set($"checkpoint.dir='{checkpoints.FullName}'").Set("adaptive_batch.enabled=false").ToYaml();
            var arms = new List<(string Name, string Yaml)> { ("fixed", fixedYaml) };
            arms.AddRange(rules.Select(r => (Choice.Name(r), JobSpecDocument.Parse(fixedYaml).Set("adaptive_batch.enabled=true").Set($"adaptive_batch.lr_rule={Choice.Name(r)}").ToYaml())));
            foreach (var (_, yaml) in arms)
            {
                JobSpecDocument.Parse(yaml).Validate();
            }

            using var host = BenchJobs.EmbeddedSilo();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();
            // Warm-up: loads the data set into the process cache and JIT-compiles the step.
            await BenchJobs.RunToEndAsync(client, "adaptive-warmup", JobSpecDocument.Parse(fixedYaml).Set("epochs=1").ToYaml());

            var measured = arms.ToDictionary(a => a.Name, _ => new List<AdaptiveBatchRun>());
            for (var run = 0; run < runs; run++)
            {
                // Rotate who goes first, so a drift of the machine's speed falls on every arm alike.
                foreach (var (name, yaml) in arms.Skip(run % arms.Count).Concat(arms.Take(run % arms.Count)))
                {
                    var clock = Stopwatch.StartNew();
                    var summary = await BenchJobs.RunToEndAsync(client, $"adaptive-{name}-{run}", yaml);
                    var final = summary.BatchSchedule.IsDefaultOrEmpty ? 0 : summary.BatchSchedule[^1].Batch;
                    measured[name].Add(new AdaptiveBatchRun(summary.TestAccuracy, summary.TrainSeconds, clock.Elapsed.TotalSeconds, summary.Steps, final));
                }

                await log.WriteLineAsync($"run {run + 1}/{runs}: " + string.Join("; ", arms.Select(a => Describe(a.Name, measured[a.Name][^1]))));
            }

            await host.StopAsync();
            var baseline = measured["fixed"];
            var results = arms.Skip(1).Select(a =>
            {
                var runsOf = measured[a.Name];
                return new AdaptiveBatchRule(
                    a.Name,
                    BenchStats.Median([.. baseline.Zip(runsOf, (f, x) => f.TrainSeconds / x.TrainSeconds)]),
                    BenchStats.Median([.. baseline.Zip(runsOf, (f, x) => f.WallSeconds / x.WallSeconds)]),
                    BenchStats.Median([.. baseline.Zip(runsOf, (f, x) => (x.Accuracy - f.Accuracy) * 100)]),
                    runsOf);
            }).ToList();
            return new AdaptiveBatchResult(baseline, results);
        }
        finally
        {
            checkpoints.Delete(recursive: true);
        }
    }

    private static string Describe(string name, AdaptiveBatchRun r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} {r.Accuracy:0.0000} in {r.TrainSeconds:0.00} s ({r.Steps} steps, last batch {r.FinalBatch})");
}

/// <summary>One job of the benchmark: test accuracy, seconds in training steps, seconds from submit to end, steps, and the batch it ended with.</summary>
public sealed record AdaptiveBatchRun(double Accuracy, double TrainSeconds, double WallSeconds, int Steps, int FinalBatch);

/// <summary>One learning-rate rule against the fixed batch: median time ratios (fixed over adaptive: above 1 is faster) and accuracy difference in points.</summary>
public sealed record AdaptiveBatchRule(string Rule, double Speedup, double WallSpeedup, double AccuracyPoints, IReadOnlyList<AdaptiveBatchRun> Runs);

public sealed record AdaptiveBatchResult(IReadOnlyList<AdaptiveBatchRun> Fixed, IReadOnlyList<AdaptiveBatchRule> Rules);
