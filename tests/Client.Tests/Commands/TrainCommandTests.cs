using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Client.Tests.Commands;

/// <summary>The main job end to end: the real command line, an embedded silo, Fashion-MNIST.</summary>
public sealed partial class TrainCommandTests
{
    private readonly string work = Repo.NewWorkDir();
    private string lastStderr = "";

    [Fact]
    public async Task Fashion_mlp_reaches_85_percent_in_3_epochs()
    {
        var summary = await TrainAsync("fashion-mlp.yaml");

        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        Assert.Equal(3.0, summary["epochs"]!.GetValue<double>());
        Assert.True(summary["test_accuracy"]!.GetValue<double>() >= 0.85, $"test accuracy {summary["test_accuracy"]}");
    }

    [Fact]
    public async Task Deep_sigmoid_stalls_at_chance_while_deep_relu_residual_learns()
    {
        var png = Path.Combine(work, "r.png");
        // One epoch shows the stall as well as two (the example's): the accuracy stays at chance throughout.
        var sigmoid = await TrainAsync("deep-sigmoid.yaml", "--report", png, "--epochs", "1", "--set", "health.enabled=false");
        var sigmoidOutput = lastStderr;
        var residual = await TrainAsync("deep-relu-residual.yaml");

        Assert.True(sigmoid["test_accuracy"]!.GetValue<double>() <= 0.15, $"deep-sigmoid test accuracy {sigmoid["test_accuracy"]}");

        // The report's picture of it: the first layer's gradient far below the last layer's.
        Assert.Equal((1400, 800), Telemetry.MetricsEndpointTests.PngSize(png));
        var ratio = double.Parse(FirstOverLast().Match(sigmoidOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ratio < 1e-4, $"first/last layer gradient norm {ratio}");
        Assert.True(residual["test_accuracy"]!.GetValue<double>() >= 0.85, $"deep-relu-residual test accuracy {residual["test_accuracy"]}");
    }

    [Fact]
    public async Task Deep_sigmoid_with_health_on_finds_the_vanishing_layers_early_and_learns()
    {
        var summary = await TrainAsync("deep-sigmoid.yaml");

        Assert.True(summary["test_accuracy"]!.GetValue<double>() >= 0.82, $"deep-sigmoid with health on: test accuracy {summary["test_accuracy"]}");
        var vanishing = summary["findings"]!.AsArray().Select(f => f!.AsObject()).First(f => f["kind"]!.GetValue<string>() == "vanishing");
        Assert.True(vanishing["step"]!.GetValue<int>() < 50, $"first vanishing finding at step {vanishing["step"]}");
        Assert.Contains("layers.0.weight", vanishing["layers"]!.AsArray().Select(l => l!.GetValue<string>()));
        var reinit = Assert.Single(summary["remedies"]!.AsArray(), r => r!["kind"]!.GetValue<string>() == "reinit")!;
        Assert.Equal(vanishing["step"]!.GetValue<int>(), reinit["step"]!.GetValue<int>());
    }

    [Fact]
    public async Task Exploding_diverges_with_health_off_and_completes_with_health_on()
    {
        var summaryFile = Path.Combine(work, "off.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "train", Repo.Example("exploding.yaml"), "--summary", summaryFile, "--set", "health.enabled=false");
        Assert.Equal(1, exit);
        Assert.Contains("error: training diverged at step", stderr, StringComparison.Ordinal);
        Assert.Equal("failed", JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!["status"]!.GetValue<string>());

        var on = await TrainAsync("exploding.yaml");
        Assert.Equal("completed", on["status"]!.GetValue<string>());
        Assert.True(on["test_accuracy"]!.GetValue<double>() >= 0.80, $"exploding with health on: test accuracy {on["test_accuracy"]}");

        // The injected spike is a finding of its own, and the remedy of its step is in the audit, whatever the trajectory did before it.
        var spike = on["findings"]!.AsArray().First(f => f!["kind"]!.GetValue<string>() == "exploding" && f["value"]!.GetValue<double>() > 1000)!;
        var step = spike["step"]!.GetValue<int>();
        Assert.Contains(on["remedies"]!.AsArray(), r => r!["kind"]!.GetValue<string>() == "clip" && r["step"]!.GetValue<int>() == step);
    }

    [Fact]
    public async Task Summary_has_every_documented_field()
    {
        var summary = await TrainAsync("fashion-mlp.yaml", "--steps", "20", "--set", "data.limit=2560");

        foreach (var key in new[] { "job_id", "status", "epochs", "steps", "final_train_loss", "test_accuracy", "samples_per_second", "workers", "parameter_l2", "findings", "remedies" })
        {
            Assert.True(summary.ContainsKey(key), $"summary lacks {key}");
        }

        Assert.Equal(20, summary["steps"]!.GetValue<int>());
        Assert.Equal(1, summary["workers"]!.GetValue<int>());
        Assert.IsType<JsonArray>(summary["findings"]);
        Assert.IsType<JsonArray>(summary["remedies"]);
        Assert.True(File.Exists(summary["last_checkpoint"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Ctrl_c_then_resume_ends_with_the_parameters_of_an_uninterrupted_run()
    {
        string[] job = ["--set", "data.limit=12800", "--steps", "600", "--set", "checkpoint.interval=40", "--set", "model.depth=4", "--set", "threads=1"];
        var uninterrupted = await TrainAsync("deep-sigmoid.yaml", [.. job, "--job-id", "straight"]);

        using (var run = PlatformProcess.Start(work, ["train", Repo.Example("deep-sigmoid.yaml"), .. job, "--job-id", "interrupted"]))
        {
            await WaitForFileAsync(Path.Combine(work, "checkpoints", "interrupted", "manifest.json"));
            run.Interrupt();
            var (exit, _, stderr) = await run.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(exit == 130, $"expected the run to be interrupted (exit 130), got {exit}: {stderr}");
        }

        var resumed = await TrainAsync("deep-sigmoid.yaml", [.. job, "--job-id", "interrupted", "--resume"]);

        Assert.Equal(600, resumed["steps"]!.GetValue<int>());
        Assert.Equal(uninterrupted["parameter_l2"]!.GetValue<double>(), resumed["parameter_l2"]!.GetValue<double>());
    }

    [GeneratedRegex(@"first/last ([0-9.e+-]+)\)")]
    private static partial Regex FirstOverLast();

    private async Task<JsonObject> TrainAsync(string example, params string[] extra)
    {
        var summaryFile = Path.Combine(work, $"{Guid.NewGuid():N}.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["train", Repo.Example(example), "--summary", summaryFile, .. extra]);
        lastStderr = stderr;
        Assert.True(exit == 0, $"platform train {example} exited {exit}: {stderr}");
        return JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!.AsObject();
    }

    private static async Task WaitForFileAsync(string file)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!File.Exists(file))
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
