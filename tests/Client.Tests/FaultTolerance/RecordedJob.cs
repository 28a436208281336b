using System.Text.Json.Nodes;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.FaultTolerance;

/// <summary>A short job with a gradient spike (so its audit has a clip), and the checks that its record outlived the silos.</summary>
internal static class RecordedJob
{
    public static async Task TrainAsync(string work, IReadOnlyList<SiloProcess> silos, string jobId, string summaryFile)
    {
        var (exit, _, stderr) = await PlatformProcess.RunAsync(
            work, "train", Repo.Example("exploding.yaml"), "--cluster", string.Join(',', silos.Select(s => s.Gateway)), "--job-id", jobId,
            "--set", "data.limit=6400", "--epochs", "1", "--set", "threads=1", "--set", "faults=[{step: 20, kind: scale, factor: 100000}]",
            "--set", "checkpoint.interval=20", "--summary", summaryFile);
        Assert.True(exit == 0, stderr);
    }

    /// <summary>Through other silos than the ones that ran it: completed, the same accuracy, the clip still listed.</summary>
    public static async Task AssertAnsweredAsync(string work, IReadOnlyList<SiloProcess> silos, string jobId, string summaryFile)
    {
        var before = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!;
        var status = await PlatformProcess.RunAsync(work, "status", jobId, "--cluster", silos[1].Gateway);
        Assert.True(status.Exit == 0, status.Stderr);
        Assert.Contains($"{jobId}: completed", status.Stdout, StringComparison.Ordinal);
        Assert.Contains($"test accuracy {before["test_accuracy"]!.GetValue<double>():0.0000}", status.Stdout, StringComparison.Ordinal);

        var alerts = await PlatformProcess.RunAsync(work, "alerts", jobId, "--cluster", silos[0].Gateway);
        Assert.True(alerts.Exit == 0, alerts.Stderr);
        Assert.Contains("remedy   clip", alerts.Stdout, StringComparison.Ordinal);
    }
}
