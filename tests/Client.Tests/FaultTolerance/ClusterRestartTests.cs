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
            await RecordedJob.TrainAsync(work, silos, "restart-1", summaryFile);
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
            await RecordedJob.AssertAnsweredAsync(work, again, "restart-1", summaryFile);
        }
        finally
        {
            await Task.WhenAll(again.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
