using System.Collections.Immutable;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Tests.Jobs;

/// <summary>Messages from ranks that are not this start's ranks (an earlier start, or a rank above the world size) change nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaleMessageTests(ClusterFixture fixture)
{
    private const int FirstStart = 1;

    private readonly string checkpoints = Directory.CreateTempSubdirectory("stale-").FullName;

    private string Spec => $"""
        model: {"{"}kind: mlp, depth: 2, width: 16{"}"}
        data: {"{"}dataset: blobs, samples: 1024, test_samples: 256{"}"}
        batch_size: 64
        steps: 100000
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: 100000{"}"}
        """;

    [Fact]
    public async Task A_completion_of_another_start_or_of_a_rank_outside_the_world_does_not_complete_the_job()
    {
        var job = await PausedJobAsync("stale-done");

        await Ranks(job).WorkerCompletedAsync(Outcome(rank: 3, FirstStart));
        await Ranks(job).WorkerCompletedAsync(Outcome(rank: 0, generation: 0));
        await Ranks(job).WorkerCompletedAsync(Outcome(rank: 0, generation: FirstStart + 1));

        var progress = await job.GetProgressAsync();
        await job.CancelAsync();
        Assert.Equal(JobState.Paused, progress.State);
        Assert.Equal(JobState.Cancelled, (await job.GetSummaryAsync())!.Status);
    }

    [Fact]
    public async Task A_failure_of_a_rank_outside_the_world_does_not_fail_the_job()
    {
        var job = await PausedJobAsync("stale-fail");

        await Ranks(job).WorkerFailedAsync(5, "not one of ours", FailureKind.BadInput, FirstStart);
        await Ranks(job).WorkerFailedAsync(0, "an earlier start", FailureKind.BadInput, 0);

        var progress = await job.GetProgressAsync();
        await job.CancelAsync();
        Assert.Equal(JobState.Paused, progress.State);
    }

    [Fact]
    public async Task Health_records_of_another_start_stay_out_of_the_audit()
    {
        var job = await PausedJobAsync("stale-report");

        await Ranks(job).ReportAsync(HealthOnly(generation: 0, "from no start"));
        await Ranks(job).ReportAsync(HealthOnly(generation: FirstStart + 3, "from a later start"));
        await Ranks(job).ReportAsync(HealthOnly(FirstStart, "from this start"));

        // Reports are one-way: the current one arriving means the others were handled too (one sender, in order) or dropped.
        var audit = await UntilAsync(job, a => a.Any(r => r.Detail == "from this start"));
        await job.CancelAsync();
        Assert.DoesNotContain(audit, r => r.Detail is "from no start" or "from a later start");
    }

    /// <summary>The job as the ranks reach it; messages from one sender to it are handled in order.</summary>
    private ITrainingJobCallbacks Ranks(ITrainingJobGrain job) => fixture.Client.GetGrain<ITrainingJobCallbacks>(job.GetPrimaryKeyString());

    private async Task<ITrainingJobGrain> PausedJobAsync(string name)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"{name}-{Guid.NewGuid():N}");
        var submitted = await job.SubmitAsync(new JobSubmission(Spec, Resume: false));
        Assert.Equal(JobState.Running, submitted.State);
        await TrainingJobGrainTests.WaitUntilAsync(job, p => p.Step > 0);
        await job.PauseAsync();
        return job;
    }

    private static WorkerOutcome Outcome(int rank, int generation) =>
        new(rank, 100000, 1, 0.1, 0.99, 0.1, 1, 1000, 1, [0.1]) { Generation = generation };

    private static WorkerReport HealthOnly(int generation, string detail) =>
        new(0, 0, 0, double.NaN, 0, 0, null, [new AuditRecord(1, "exploding", detail)]) { Generation = generation };

    private static async Task<ImmutableArray<AuditRecord>> UntilAsync(ITrainingJobGrain job, Func<ImmutableArray<AuditRecord>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var audit = await job.GetAuditAsync();
            if (condition(audit))
            {
                return audit;
            }

            await Task.Delay(10, deadline.Token);
        }
    }
}
