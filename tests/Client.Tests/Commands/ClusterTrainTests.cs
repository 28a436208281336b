using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;
using Platform.Silo.Hosting;

namespace Platform.Client.Tests.Commands;

/// <summary>Jobs on clusters of real silo processes on loopback.</summary>
public sealed class ClusterTrainTests
{
    private static readonly string[] FewThousand = ["--set", "data.limit=3200", "--epochs", "1", "--set", "threads=1"];
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Two_ranks_on_two_silo_processes_train_like_one_rank()
    {
        var one = await TrainAsync([.. FewThousand, "--workers", "1"]);
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2);
        try
        {
            var two = await TrainAsync([.. FewThousand, "--workers", "2", "--cluster", string.Join(',', silos.Select(s => s.Gateway))]);

            Assert.Equal(2, two["silos"]!.AsArray().Select(s => s!.GetValue<string>()).Distinct().Count());
            var (l1, l2) = (one["parameter_l2"]!.GetValue<double>(), two["parameter_l2"]!.GetValue<double>());
            Assert.True(Math.Abs(l1 - l2) / l1 < 1e-5, $"parameter_l2 {l1} vs {l2}");
            var worst = Losses(one).Zip(Losses(two), (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
            Assert.True(worst < 1e-5, $"per-step losses differ by up to {worst:E2}");
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_ranks_on_three_silo_processes_complete(bool redis)
    {
        await using var server = redis ? await RedisServer.StartAsync() : null;
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 3, server?.Connection);
        try
        {
            // The Redis cluster also exercises the direct TCP transport between silo processes.
            var summary = await TrainAsync([.. FewThousand, "--set", "batch_size=96", "--workers", "3", "--cluster", silos[0].Gateway, "--set", $"allreduce.transport={(redis ? "tcp" : "orleans")}"]);

            Assert.Equal("completed", summary["status"]!.GetValue<string>());
            Assert.Equal(3, summary["silos"]!.AsArray().Select(s => s!.GetValue<string>()).Distinct().Count());
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task More_ranks_than_the_cluster_can_place_is_refused_quickly()
    {
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2);
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, _, stderr) = await PlatformProcess.RunAsync(
                work, ["train", Repo.Example("fashion-mlp.yaml"), .. FewThousand, "--workers", "4", "--set", "placement.ranks_per_silo=1", "--cluster", silos[0].Gateway]);

            Assert.Equal(2, exit);
            Assert.Contains("error: workers: 4 ranks do not fit on 2 active silo(s)", stderr, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_job_on_a_cluster_with_a_dead_silo_ends_within_30_seconds_without_hanging()
    {
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2);
        try
        {
            await silos[1].DisposeAsync(); // killed: membership still lists it for a while

            var clock = Stopwatch.StartNew();
            var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["train", Repo.Example("fashion-mlp.yaml"), .. FewThousand, "--workers", "2", "--cluster", silos[0].Gateway]);

            // Either the dead silo was already out of the membership (both ranks on the live silo) or
            // something of the job (a rank, its storage, its directory entry) went to it: then one
            // clear error line and exit 1, never a hang or a stack trace.
            Assert.True(exit is 0 or 1, $"exit {exit}: {stderr}");
            Assert.True(exit == 0 || stderr.Split('\n').Count(l => l.StartsWith("error: ", StringComparison.Ordinal)) == 1, stderr);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        }
        finally
        {
            await silos[0].DisposeAsync();
        }
    }

    [Fact]
    public async Task A_wrong_cluster_address_fails_clearly_within_30_seconds()
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["train", Repo.Example("fashion-mlp.yaml"), "--cluster", $"127.0.0.1:{Endpoints.FreePort()}"]);

        Assert.Equal(1, exit);
        Assert.Contains("error: cannot reach the cluster at 127.0.0.1:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_silo_whose_primary_is_unreachable_fails_clearly_within_30_seconds()
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["silo", "--silo-port", $"{Endpoints.FreePort()}", "--gateway-port", "0", "--primary", $"127.0.0.1:{Endpoints.FreePort()}"]);

        Assert.Equal(1, exit);
        Assert.Contains("error: the silo could not start or join the cluster through the primary silo at 127.0.0.1:", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    private async Task<JsonObject> TrainAsync(string[] extra)
    {
        var summaryFile = Path.Combine(work, $"{Guid.NewGuid():N}.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["train", Repo.Example("fashion-mlp.yaml"), "--summary", summaryFile, .. extra]);
        Assert.True(exit == 0, $"platform train exited {exit}: {stderr}");
        return JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!.AsObject();
    }

    private static IEnumerable<double> Losses(JsonObject summary) => summary["loss_history"]!.AsArray().Select(v => v!.GetValue<double>());
}
