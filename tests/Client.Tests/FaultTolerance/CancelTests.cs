using System.Diagnostics;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.FaultTolerance;

/// <summary>A cancel ends a job even when one of its silos is dead, on a cluster with ids of its own.</summary>
public sealed partial class CancelTests
{
    private static readonly string[] Ids = ["--cluster-id", "lab", "--service-id", "vision"];
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task A_job_that_lost_a_silo_and_waits_for_a_replacement_is_cancelled_at_once()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = await SiloProcess.StartClusterAsync(
            Repo.PlatformDll, work, 2, redis.Connection, ["--storage", "redis", "--checkpoint-dir", Directory.CreateDirectory(Path.Combine(work, "shared")).FullName, .. Ids]);
        try
        {
            // Submitted through silo 0, which then hosts the coordinator; one rank per silo; a replacement is awaited for 2 minutes.
            var submit = await PlatformProcess.RunAsync(
                work,
                ["submit", Repo.Example("fashion-mlp.yaml"), "--cluster", silos[0].Gateway, .. Ids, "--job-id", "stranded", "--workers", "2", "--epochs", "20",
                 "--set", "threads=1", "--set", "placement.ranks_per_silo=1", "--set", "recovery.replacement_wait_seconds=120", "--set", "allreduce.transport=tcp"]);
            Assert.True(submit.Exit == 0, submit.Stderr);
            await UntilAsync(async () => Step((await PlatformProcess.RunAsync(work, ["status", "stranded", "--cluster", silos[0].Gateway, .. Ids])).Stdout) >= 5 ? true : null);

            await silos[1].DisposeAsync(); // SIGKILL: one rank is gone, and no silo can take it; the other's link breaks
            await UntilAsync(() => Task.FromResult(LostRank().IsMatch(silos[0].Output) ? true : (bool?)null), () => silos[0].Output);

            var clock = Stopwatch.StartNew();
            var cancel = await PlatformProcess.RunAsync(work, ["cancel", "stranded", "--cluster", silos[0].Gateway, .. Ids]);
            var took = clock.Elapsed;

            Assert.True(cancel.Exit == 0, cancel.Stderr);
            Assert.Contains("stranded: cancelled", cancel.Stdout, StringComparison.Ordinal);
            Assert.True(took < TimeSpan.FromSeconds(25), $"the cancel took {took.TotalSeconds:0.0} s");
            Console.WriteLine($"cancel with a dead silo and a recovery waiting: {took.TotalSeconds:0.0} s");
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_client_without_the_clusters_ids_is_told_it_cannot_reach_it()
    {
        var silo = await SiloProcess.StartAsync(Repo.PlatformDll, work, Ids);
        try
        {
            var wrong = await PlatformProcess.RunAsync(work, "status", "any", "--cluster", silo.Gateway);
            var right = await PlatformProcess.RunAsync(work, ["status", "any", "--cluster", silo.Gateway, .. Ids]);

            Assert.Equal(1, wrong.Exit);
            Assert.Contains("(cluster id platform, service id platform)", wrong.Stderr, StringComparison.Ordinal);
            Assert.Equal(2, right.Exit);
            Assert.Contains("error: no job 'any' on this cluster", right.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>The step in a status line ("... step 12/4680 ..."); -1 before there is one.</summary>
    private static int Step(string status)
    {
        var at = status.IndexOf(" step ", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(status[(at + 6)..].Split('/')[0], out var step) ? step : -1;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Job stranded rank \d failed")]
    private static partial System.Text.RegularExpressions.Regex LostRank();

    private static async Task UntilAsync(Func<Task<bool?>> condition, Func<string>? seen = null)
    {
        var deadline = Stopwatch.StartNew();
        while (await condition() is null)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(1), $"timed out waiting; {seen?.Invoke()}");
            await Task.Delay(200);
        }
    }
}
