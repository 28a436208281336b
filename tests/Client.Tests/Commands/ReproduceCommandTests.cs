using System.Text.Json.Nodes;

namespace Platform.Client.Tests.Commands;

/// <summary><c>platform reproduce</c> end to end: the real command line trains each row of a small table and writes its markdown and pictures.</summary>
public sealed class ReproduceCommandTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Reproduce_trains_each_row_and_writes_the_table_with_a_picture_per_row()
    {
        // Two rows of the seed's depth-10 sigmoid net, cut to 60 steps on 3,840 samples: the same spec file with and without health.
        var table = Path.Combine(work, "table.yaml");
        await File.WriteAllTextAsync(table, $"""
            rows:
              - {"{"}group: "Depth", row: "sigmoid, health off", spec: '{Repo.Example("deep-sigmoid.yaml")}', set: [steps=60, data.limit=3840, health.enabled=false]{"}"}
              - {"{"}group: "Depth", row: "sigmoid, default policy", spec: '{Repo.Example("deep-sigmoid.yaml")}', set: [steps=60, data.limit=3840]{"}"}
              - {"{"}group: "Other", row: "not run", spec: '{Repo.Example("fashion-mlp.yaml")}'{"}"}
            """);
        var outDir = Path.Combine(work, "out");

        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, "reproduce", "--table", table, "--out", outDir, "--only", "sigmoid");

        Assert.True(exit == 0, stderr);
        var markdown = await File.ReadAllTextAsync(Path.Combine(outDir, "table.md"));
        Assert.Equal(markdown.Trim(), stdout.Trim());
        Assert.Contains("**Depth**", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("not run", markdown, StringComparison.Ordinal);
        foreach (var (slug, label) in new[] { ("sigmoid-health-off", "sigmoid, health off"), ("sigmoid-default-policy", "sigmoid, default policy") })
        {
            // The row's figures are its own job's summary, and its picture is the chart of that job.
            var summary = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, $"{slug}.json")))!;
            Assert.Equal(60, summary["steps"]!.GetValue<int>());
            var line = markdown.Split('\n').Single(l => l.StartsWith($"| {label} |", StringComparison.Ordinal));
            Assert.Contains($"| {summary["test_accuracy"]!.GetValue<double>():0.0000} |", line, StringComparison.Ordinal);
            Assert.Contains($"[png]({slug}.png)", line, StringComparison.Ordinal);
            Assert.Equal((1400, 800), Telemetry.MetricsEndpointTests.PngSize(Path.Combine(outDir, $"{slug}.png")));
        }

        // The remedies of the row with health on are in its line; the row with health off has none.
        Assert.Contains("reinit 1", markdown.Split('\n').Single(l => l.StartsWith("| sigmoid, default policy |", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("reinit", markdown.Split('\n').Single(l => l.StartsWith("| sigmoid, health off |", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_whose_overrides_are_wrong_is_refused_before_anything_trains()
    {
        var table = Path.Combine(work, "table.yaml");
        await File.WriteAllTextAsync(table, $"""
            rows:
              - {"{"}group: g, row: fine, spec: '{Repo.Example("fashion-mlp.yaml")}', set: [steps=5]{"}"}
              - {"{"}group: g, row: typo, spec: '{Repo.Example("fashion-mlp.yaml")}', set: [optimizer.lrr=0.1]{"}"}
            """);

        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "reproduce", "--table", table, "--out", Path.Combine(work, "out"));

        Assert.Equal(2, exit);
        Assert.Contains("row 'typo'", stderr, StringComparison.Ordinal);
        Assert.Contains("optimizer.lrr", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(work, "out")));
    }

    [Fact]
    public async Task Only_that_matches_no_row_says_so()
    {
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "reproduce", "--table", Path.Combine(Repo.Root, "examples", "seed", "table.yaml"), "--only", "no such row");

        Assert.Equal(2, exit);
        Assert.Contains("--only no such row: no row of", stderr, StringComparison.Ordinal);
    }
}
