using System.Text.Json.Nodes;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.FaultTolerance;

/// <summary>Job records kept in Redis outlive the silos that wrote them.</summary>
public sealed class ClusterRestartTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Job_records_survive_a_restart_of_the_whole_cluster()
    {
        await using var redis = await RedisServer.StartAsync();
        var checkpoints = Directory.CreateDirectory(Path.Combine(work, "shared-checkpoints")).FullName;
        string[] storage = ["--storage", "redis", "--checkpoint-dir", checkpoints];
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2, redis.Connection, storage);
        var summaryFile = Path.Combine(work, "summary.json");
        try
        {
            var (exit, _, stderr) = await PlatformProcess.RunAsync(
                work, "train", Repo.Example("exploding.yaml"), "--cluster", string.Join(',', silos.Select(s => s.Gateway)), "--job-id", "restart-1",
                "--set", "data.limit=6400", "--epochs", "1", "--set", "threads=1", "--set", "faults=[{step: 20, kind: scale, factor: 100000}]",
                "--set", "checkpoint.interval=20", "--summary", summaryFile);
            Assert.True(exit == 0, stderr);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.StopAsync()));
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }

        var before = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!;
        Assert.StartsWith(Path.Combine(checkpoints, "restart-1"), before["last_checkpoint"]!.GetValue<string>(), StringComparison.Ordinal);

        // A new cluster on the same Redis: nothing of the old silos runs any more.
        var again = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2, redis.Connection, storage);
        try
        {
            var status = await PlatformProcess.RunAsync(work, "status", "restart-1", "--cluster", again[1].Gateway);
            Assert.True(status.Exit == 0, status.Stderr);
            Assert.Contains("restart-1: completed", status.Stdout, StringComparison.Ordinal);
            Assert.Contains($"test accuracy {before["test_accuracy"]!.GetValue<double>():0.0000}", status.Stdout, StringComparison.Ordinal);

            var alerts = await PlatformProcess.RunAsync(work, "alerts", "restart-1", "--cluster", again[0].Gateway);
            Assert.True(alerts.Exit == 0, alerts.Stderr);
            Assert.Contains("remedy   clip", alerts.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(again.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
