using System.Text.Json.Nodes;

namespace Platform.Client.Tests.Commands;

/// <summary>The gradient noise scale in the summary of a real run: it grows as the loss falls, and the advice names the critical batch.</summary>
public sealed class NoiseScaleTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Two_ranks_measure_a_noise_scale_that_grows_over_training_and_advise_on_the_batch()
    {
        var summary = await TrainAsync("--workers", "2");

        var history = summary["gradient_noise_scale_history"]!.AsArray().Select(p => (Step: p![0]!.GetValue<int>(), Value: p[1]!.GetValue<double>())).ToList();
        var end = history[^1].Step;
        var first = Median(history.Where(h => h.Step <= end / 4).Select(h => h.Value));
        var last = Median(history.Where(h => h.Step > end * 3 / 4).Select(h => h.Value));
        Assert.True(last > 2 * first, $"noise scale median {first:0} in the first quarter, {last:0} in the last");

        var advice = summary["advice"]!;
        Assert.True(advice["critical_batch"]!.GetValue<int>() > 0);
        Assert.Equal(128, advice["batch"]!.GetValue<int>());
        Assert.StartsWith("batch 128 is ", advice["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(summary["gradient_noise_scale"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task One_rank_says_the_noise_scale_needs_two()
    {
        var summary = await TrainAsync("--steps", "30");

        Assert.Null(summary["gradient_noise_scale"]);
        Assert.Null(summary["advice"]!["critical_batch"]);
        Assert.Contains("needs 2 or more ranks", summary["advice"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> TrainAsync(params string[] extra)
    {
        var file = Path.Combine(work, "s.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["train", Repo.Example("fashion-mlp.yaml"), "--set", "threads=1", "--summary", file, .. extra]);
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(await File.ReadAllTextAsync(file))!;
    }

    private static double Median(IEnumerable<double> values) => Platform.Spec.Text.Median(values);
}
