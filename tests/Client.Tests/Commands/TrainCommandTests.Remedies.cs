using System.Text.Json.Nodes;

namespace Platform.Client.Tests.Commands;

/// <summary>The default policy's rescues end to end: a learning rate far too large, and a run that overfits.</summary>
public sealed partial class TrainCommandTests
{
    [Fact]
    public async Task Fashion_mlp_at_60x_its_learning_rate_is_rescued_by_the_default_policy()
    {
        var summary = await TrainAsync("fashion-mlp.yaml", "--epochs", "2", "--set", "optimizer.lr=3.0");

        Assert.True(summary["test_accuracy"]!.GetValue<double>() >= 0.84, $"lr 3.0: test accuracy {summary["test_accuracy"]}");

        // The loss climbed back above its start during the warm-up, and the trust region was armed at that step.
        var diverging = Records(summary, "findings", "diverging").First();
        var armed = Records(summary, "remedies", "update_cap").First();
        Assert.Equal(diverging["step"]!.GetValue<int>(), armed["step"]!.GetValue<int>());
        Assert.True(armed["step"]!.GetValue<int>() < 50, $"armed at step {armed["step"]}, after the warm-up");
    }

    [Fact]
    public async Task Periodic_validation_stops_an_overfitting_run_early_with_the_weights_of_its_best_evaluation()
    {
        // 2,000 training samples (1,000 of the 3,000 held out) for up to 60 epochs overfit; two ranks decide alike.
        var summary = await TrainAsync(
            "fashion-mlp.yaml", "--epochs", "60", "--workers", "2",
            "--set", "data.limit=3000", "--set", "eval.interval=50", "--set", "eval.samples=1000");

        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        var steps = summary["steps"]!.GetValue<int>();
        Assert.True(steps < 60 * 15, $"ran all {steps} steps");
        var history = summary["validation_history"]!.AsArray().Select(v => v!.AsArray()).ToList();
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => i * 50), history.Select(v => v![0]!.GetValue<int>()));

        var stop = Assert.Single(Records(summary, "remedies", "early_stop"));
        Assert.Equal(steps - 1, stop["step"]!.GetValue<int>());
        Assert.Contains(Records(summary, "findings", "overfit"), f => f["step"]!.GetValue<int>() == steps - 1);

        // The best evaluation came before the end, and its weights are the model the run ended with.
        var best = summary["best_validation"]!.AsObject();
        Assert.True(best["step"]!.GetValue<int>() < history[^1][0]!.GetValue<int>());
        Assert.True(best["kept"]!.GetValue<bool>());
        Assert.Equal(history.Min(v => v[1]!.GetValue<double>()), best["loss"]!.GetValue<double>());
    }

    private static IEnumerable<JsonObject> Records(JsonObject summary, string list, string kind) =>
        summary[list]!.AsArray().Select(r => r!.AsObject()).Where(r => r["kind"]!.GetValue<string>() == kind);
}
