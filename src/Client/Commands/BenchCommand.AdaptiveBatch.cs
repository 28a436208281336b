using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Bench.AdaptiveBatch;
using Platform.Silo.CommandLine;
using Platform.Spec;

namespace Platform.Client.Commands;

/// <summary><c>platform bench adaptive-batch</c>: a job with its fixed batch against the batch adapting, per learning-rate rule.</summary>
internal static partial class BenchCommand
{
    private static async Task<int> AdaptiveBatchAsync(ArgReader reader)
    {
        var file = reader.Value("spec") ?? Path.Combine("examples", "fashion-mlp.yaml");
        var workers = reader.Int("workers", min: 2) ?? 2;
        var runs = reader.Int("runs", min: 1) ?? 3;
        var rules = (reader.Value("rules") ?? "linear,sqrt,adascale").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);
        if (rules.FirstOrDefault(r => !Choice.Names<LrRule>().Contains(r)) is { } unknown)
        {
            throw new UsageException($"--rules: unknown rule '{unknown}' (expected: {string.Join(", ", Choice.Names<LrRule>())})");
        }

        var spec = JobSpecDocument.Load(file).ResolvePaths(Path.GetDirectoryName(Path.GetFullPath(file))!, JobSpecDocument.PathFields);
        var r = await new AdaptiveBatchBenchmark(spec, workers, runs, [.. rules.Select(x => Choice.Parse<LrRule>(x, "--rules"))], Console.Error).RunAsync();
        var doc = new JsonObject { ["spec"] = file, ["workers"] = workers, ["runs"] = runs, ["fixed"] = Runs(r.Fixed) };
        foreach (var rule in r.Rules)
        {
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"adaptive batch ({rule.Rule} rule) against batch {r.Fixed[0].FinalBatch}, {workers} ranks, median of {runs} paired runs: x{rule.Speedup:0.000} less training time (x{rule.WallSpeedup:0.000} submit to end), test accuracy {rule.AccuracyPoints:+0.00;-0.00} points (fixed {MedianOf(r.Fixed, x => x.Accuracy):0.0000}, adaptive {MedianOf(rule.Runs, x => x.Accuracy):0.0000})"));
            doc[rule.Rule] = new JsonObject
            {
                ["speedup"] = rule.Speedup,
                ["wall_speedup"] = rule.WallSpeedup,
                ["accuracy_points"] = rule.AccuracyPoints,
                ["runs"] = Runs(rule.Runs),
            };
        }

        await WriteJsonAsync(json, doc);
        return Cli.Ok;
    }

    private static double MedianOf(IReadOnlyList<AdaptiveBatchRun> runs, Func<AdaptiveBatchRun, double> figure) => Platform.Bench.BenchStats.Median([.. runs.Select(figure)]);

    private static JsonArray Runs(IReadOnlyList<AdaptiveBatchRun> runs) => new([.. runs.Select(x => (JsonNode)new JsonObject
    {
        ["test_accuracy"] = x.Accuracy,
        ["train_seconds"] = x.TrainSeconds,
        ["wall_seconds"] = x.WallSeconds,
        ["steps"] = x.Steps,
        ["final_batch"] = x.FinalBatch,
    })]);
}
