using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;
using Platform.Client.Jobs;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.Hosting;

namespace Platform.Client.Tests.FaultTolerance;

/// <summary>A job that loses a silo mid-epoch rebuilds its ranks on the silos left and finishes as if nothing happened.</summary>
public sealed class SiloLossTests
{
    private const int CheckpointInterval = 20;
    private static JsonNode? uninterrupted;
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task A_rank_lost_with_its_silo_is_rebuilt_from_the_last_checkpoint_and_the_job_completes()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = await StartClusterAsync(redis);
        string[] job = ["train", .. Job, "--cluster", silos[0].Gateway];
        try
        {
            var reference = await UninterruptedAsync(silos[0].Gateway);

            using var lossy = PlatformProcess.Start(work, [.. job, "--job-id", "lossy", "--summary", Path.Combine(work, "lossy.json")]);
            await WaitForStepAsync(silos[0].Gateway, "lossy", 70);
            await silos[2].DisposeAsync(); // SIGKILL: the silo of one rank is gone mid-epoch
            var killed = Stopwatch.StartNew();

            // Seen from outside: the kill until the coordinator has a step finished after the restored checkpoint.
            await WaitForAuditAsync(silos[0].Gateway, "lossy", "recovered");
            var outside = killed.Elapsed.TotalSeconds;
            var (exit, _, stderr) = await lossy.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, stderr);

            var summary = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(work, "lossy.json")))!;
            Assert.Equal("completed", summary["status"]!.GetValue<string>());
            Assert.Equal(reference["steps"]!.GetValue<int>(), summary["steps"]!.GetValue<int>());
            var remedies = summary["remedies"]!.AsArray().Select(r => r!).ToList();
            var recovery = remedies.Single(r => r["kind"]!.GetValue<string>() == "recovery");
            Assert.Contains("restarted on 2 silo(s)", recovery["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(recovery["value"]!.GetValue<double>() <= CheckpointInterval, $"work lost: {recovery["value"]} steps");
            var recovered = remedies.Single(r => r["kind"]!.GetValue<string>() == "recovered");
            Assert.True(outside < 15, $"recovery took {outside:0.0} s from the kill to the next finished step");

            var (a, b) = (reference["test_accuracy"]!.GetValue<double>(), summary["test_accuracy"]!.GetValue<double>());
            Assert.True(Math.Abs(a - b) <= 0.01, $"test accuracy {b} against {a} uninterrupted");
            Console.WriteLine($"recovery: {recovery["detail"]}; {recovered["detail"]}; {outside:0.0} s from the kill to the next finished step; accuracy {b} vs {a}");
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Losing_the_silo_of_the_coordinator_is_survived_too()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = await StartClusterAsync(redis);
        var job = Job;
        try
        {
            var reference = await UninterruptedAsync(silos[1].Gateway);

            // Submitted through silo 0, whose silo then hosts the job's coordinator (and a rank).
            var submit = await PlatformProcess.RunAsync(work, ["submit", .. job, "--cluster", silos[0].Gateway, "--job-id", "orphan"]);
            Assert.True(submit.Exit == 0, submit.Stderr);
            await WaitForStepAsync(silos[1].Gateway, "orphan", 70);
            await silos[0].DisposeAsync();

            var deadline = Stopwatch.StartNew();
            var status = "";
            while (!status.Contains("orphan: completed", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"the job did not complete after its coordinator's silo died: {status}");
                status = (await PlatformProcess.RunAsync(work, "status", "orphan", "--cluster", silos[1].Gateway)).Stdout;
            }

            Assert.Contains($"test accuracy {reference["test_accuracy"]!.GetValue<double>():0.0000}", status, StringComparison.Ordinal);
            var alerts = (await PlatformProcess.RunAsync(work, "alerts", "orphan", "--cluster", silos[2].Gateway)).Stdout;
            Assert.Contains("remedy   recovery", alerts, StringComparison.Ordinal);
            Console.WriteLine(alerts);

            // The telemetry history so far was saved with each checkpoint, so the new coordinator has every step.
            var report = await PlatformProcess.RunAsync(work, "report", "orphan", "--cluster", silos[1].Gateway, "--out", Path.Combine(work, "orphan.png"));
            Assert.True(report.Exit == 0, report.Stderr);
            Assert.Contains("over steps 1-300", report.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_silo_stopped_with_sigterm_drains_and_an_elastic_job_shrinks_then_grows_back_when_a_silo_joins()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = await StartClusterAsync(redis);
        string[] job = ["train", .. Job, "--epochs", "2", "--set", "placement.ranks_per_silo=1", "--set", "elastic.min=2", "--cluster", silos[0].Gateway];
        SiloProcess? joined = null;
        try
        {
            var reference = await TrainAsync([.. job, "--job-id", "whole"], "whole");

            using var elastic = PlatformProcess.Start(work, [.. job, "--job-id", "elastic", "--summary", Path.Combine(work, "elastic.json")]);
            await WaitForStepAsync(silos[0].Gateway, "elastic", 70);
            await silos[2].StopAsync(); // SIGTERM, as a node drain or a rolling update sends
            Assert.Contains("rank(s) drained", silos[2].Output, StringComparison.Ordinal);

            // Paused while a silo joins, so the job cannot finish before it sees the room, however fast the machine.
            await WaitForAuditAsync(silos[0].Gateway, "elastic", "drain");
            await using (var cluster = await ClusterConnection.OpenAsync(ClusterAddress.Default(Endpoints.ParseList(silos[0].Gateway, "gateway"))))
            {
                var grain = cluster.Client.GetGrain<ITrainingJobGrain>("elastic");
                await grain.PauseAsync();
                joined = await SiloProcess.StartAsync(Repo.PlatformDll, work, ["--clustering", "redis", "--redis", redis.Connection, .. ClusterStorage]);
                await WaitForOutputAsync([.. silos, joined], "room for 3 ranks (running 2)");
                await grain.ResumeAsync();
            }

            var (exit, _, stderr) = await elastic.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, stderr);

            var summary = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(work, "elastic.json")))!;
            Assert.Equal("completed", summary["status"]!.GetValue<string>());
            Assert.Equal(3, summary["workers"]!.GetValue<int>());
            var remedies = summary["remedies"]!.AsArray().Select(r => r!).ToList();
            var drain = remedies.Single(r => r["kind"]!.GetValue<string>() == "drain");
            Assert.Contains("world size 3 -> 2, global batch 96 kept", drain["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(0, drain["value"]!.GetValue<double>()); // the checkpoint is of the very step the ranks stopped after
            var rescale = remedies.Single(r => r["kind"]!.GetValue<string>() == "rescale");
            Assert.Contains("world size 2 -> 3, global batch 96 kept", rescale["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(0, rescale["value"]!.GetValue<double>());

            var (a, b) = (reference["test_accuracy"]!.GetValue<double>(), summary["test_accuracy"]!.GetValue<double>());
            Assert.True(Math.Abs(a - b) <= 0.01, $"test accuracy {b} after 3 -> 2 -> 3 ranks against {a} with 3 throughout");
            Console.WriteLine($"drain: {drain["detail"]}; rescale: {rescale["detail"]}; accuracy {b} vs {a}");
        }
        finally
        {
            await Task.WhenAll(silos.Append(joined).OfType<SiloProcess>().Select(s => s.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The job run without a fault, once for the tests that compare with it (same seed, same result on any cluster).</summary>
    private async Task<JsonNode> UninterruptedAsync(string gateway) =>
        uninterrupted ??= await TrainAsync(["train", .. Job, "--cluster", gateway, "--job-id", "uninterrupted"], "uninterrupted");

    /// <summary>A 3-rank fashion-MLP job of 300 steps over TCP links, checkpointed every 20 steps.</summary>
    private static string[] Job =>
    [
        Repo.Example("fashion-mlp.yaml"), "--workers", "3", "--epochs", "1",
        "--set", "data.limit=28800", "--set", "batch_size=96", "--set", "threads=1", "--set", "allreduce.transport=tcp",
        "--set", $"checkpoint.interval={CheckpointInterval}", "--set", "schedule.warmup_steps=0",
    ];

    /// <summary>Three silo processes with Redis membership and job storage, and a checkpoint folder they share.</summary>
    private Task<IReadOnlyList<SiloProcess>> StartClusterAsync(RedisServer redis) =>
        SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 3, redis.Connection, ClusterStorage);

    private string[] ClusterStorage => ["--storage", "redis", "--checkpoint-dir", Directory.CreateDirectory(Path.Combine(work, "shared")).FullName];

    private async Task<JsonNode> TrainAsync(string[] args, string name)
    {
        var file = Path.Combine(work, $"{name}.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, [.. args, "--summary", file]);
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(await File.ReadAllTextAsync(file))!;
    }

    private async Task WaitForAuditAsync(string gateway, string jobId, string kind)
    {
        var deadline = Stopwatch.StartNew();
        while (!(await PlatformProcess.RunAsync(work, "alerts", jobId, "--cluster", gateway)).Stdout.Contains($"remedy   {kind}", StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"job {jobId} has no {kind} in its audit");
        }
    }

    private static async Task WaitForOutputAsync(IEnumerable<SiloProcess> silos, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!silos.Any(s => s.Output.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(100, deadline.Token);
        }
    }

    private async Task WaitForStepAsync(string gateway, string jobId, int step)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (_, stdout, _) = await PlatformProcess.RunAsync(work, "status", jobId, "--cluster", gateway);
            var at = stdout.IndexOf(" step ", StringComparison.Ordinal);
            if (at >= 0 && int.TryParse(stdout[(at + 6)..].Split('/')[0], out var current) && current >= step)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"job {jobId} did not reach step {step}: {stdout}");
        }
    }
}
