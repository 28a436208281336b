using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Bench.Overhead;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform bench NAME</c>: runs a benchmark, prints its figures, optionally writes them as JSON.</summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var name = reader.Positional(0, "benchmark name (overhead)");
        return name switch
        {
            "overhead" => await OverheadAsync(reader),
            _ => throw new UsageException($"unknown benchmark '{name}' (expected: overhead)"),
        };
    }

    private static async Task<int> OverheadAsync(ArgReader reader)
    {
        var steps = reader.Int("steps", min: 10) ?? 400;
        var runs = reader.Int("runs", min: 1) ?? 15;
        var threads = reader.Int("threads", min: 1);
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var result = await new OverheadBenchmark(steps, runs, threads, Console.Error).RunAsync();
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"overhead: platform {result.PlatformMs:0.000} ms/step, plain {result.PlainMs:0.000} ms/step, ratio {result.Ratio:0.000} (medians of {runs} paired runs of {steps} steps)"));
        if (json is not null)
        {
            var doc = new JsonObject
            {
                ["ratio"] = result.Ratio,
                ["platform_ms"] = result.PlatformMs,
                ["plain_ms"] = result.PlainMs,
                ["steps"] = result.Steps,
                ["platform_runs_ms"] = new JsonArray([.. result.PlatformRunsMs.Select(v => (JsonNode?)v)]),
                ["plain_runs_ms"] = new JsonArray([.. result.PlainRunsMs.Select(v => (JsonNode?)v)]),
            };
            await File.WriteAllTextAsync(json, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        return Cli.Ok;
    }
}
