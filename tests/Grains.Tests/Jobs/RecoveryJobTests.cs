using Platform.Grains.Interfaces.Jobs;
using Platform.Training.Checkpoints;

namespace Platform.Grains.Tests.Jobs;

/// <summary>The step deadline: a rank that hangs is treated as lost, and the job recovers from a checkpoint that verifies.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecoveryJobTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("recovery-tests-").FullName;

    private string Spec(int workers, string faults = "[]") =>
        BlobsJob.Spec(workers, seed: 3, checkpoints, keep: 5, $"recovery: {{step_timeout_seconds: 3}}\nfaults: {faults}");

    [Fact]
    public async Task A_rank_that_hangs_is_rebuilt_from_the_last_checkpoint_and_ends_as_an_uninterrupted_run()
    {
        var reference = await RunAsync("stall-reference", Spec(2));
        var job = await SubmitAsync("stall-2", Spec(2, "[{step: 35, kind: stall, rank: 1, seconds: 600}]"));

        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        var summary = (await job.GetSummaryAsync())!;
        var recovery = Assert.Single(summary.Remedies, r => r.Kind == "recovery");
        Assert.Contains("from the checkpoint of step 30", recovery.Detail, StringComparison.Ordinal);
        Assert.True(recovery.Detail.Contains("step_timeout_seconds", StringComparison.Ordinal) || recovery.Detail.Contains("no allreduce data", StringComparison.Ordinal), recovery.Detail);

        // Restored state and data position are exact, so the replay lands on the same weights.
        Assert.Equal(reference.ParameterL2, summary.ParameterL2);
        Assert.Equal(reference.TestAccuracy, summary.TestAccuracy);
    }

    [Fact]
    public async Task A_single_hung_rank_is_caught_by_the_deadline_and_a_corrupt_latest_checkpoint_is_passed_over()
    {
        var job = await SubmitAsync("stall-1", Spec(1, "[{step: 20, kind: stall, seconds: 600}]"));
        var directory = new CheckpointDirectory(Path.Combine(checkpoints, "stall-1"));

        // The rank hangs right after writing the checkpoint of step 20: damage that checkpoint meanwhile.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!directory.Entries().Any(e => e.Step == 20))
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint of step 20");
            await Task.Delay(20);
        }

        var latest = directory.FileFor(20);
        var bytes = await File.ReadAllBytesAsync(latest);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(latest, bytes);

        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        var summary = (await job.GetSummaryAsync())!;
        var recovery = Assert.Single(summary.Remedies, r => r.Kind == "recovery");
        Assert.Contains("rank 0 stalled: no step finished for 3 s (recovery.step_timeout_seconds)", recovery.Detail, StringComparison.Ordinal);
        Assert.Contains("from the checkpoint of step 10", recovery.Detail, StringComparison.Ordinal);
        Assert.Contains("skipped corrupt checkpoint(s) of step 20", recovery.Detail, StringComparison.Ordinal);
        Assert.Contains(summary.Remedies, r => r.Kind == "recovered");
        Assert.Equal(60, summary.Steps);
    }

    [Fact]
    public async Task A_job_that_keeps_hanging_fails_after_max_recoveries_instead_of_hanging_forever()
    {
        // A stall fires only in a run that started from scratch; with no checkpoint before it, every recovery starts from scratch again.
        var spec = Spec(1, "[{step: 5, kind: stall, seconds: 600}]").Replace("recovery: {step_timeout_seconds: 3}", "recovery: {step_timeout_seconds: 2, max_recoveries: 1}", StringComparison.Ordinal);
        var job = await SubmitAsync("stall-forever", spec);

        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.Equal(JobState.Failed, done.State);
        Assert.Contains("not recovered: the job already recovered 1 time(s) (recovery.max_recoveries)", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paused_multi_rank_job_outlasts_the_step_deadline_and_resumes_as_if_never_paused()
    {
        var spec = BlobsJob.Spec(2, seed: 4, checkpoints, keep: 3, "recovery: {step_timeout_seconds: 2}").Replace("steps: 60", "steps: 1500", StringComparison.Ordinal);
        var reference = await RunAsync("pause-reference", spec);
        var job = await SubmitAsync("pause-2", spec);
        await TrainingJobGrainTests.WaitUntilAsync(job, p => p.Step >= 20);

        // Every rank must stop at the same step boundary: one rank left inside a step would wait on the others' gradients past its deadline.
        await job.PauseAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));
        var paused = await job.GetProgressAsync();
        var audit = await job.GetAuditAsync();
        Assert.True(paused.State == JobState.Paused && !audit.Any(r => r.Kind == "recovery"), $"{paused.State} at step {paused.Step}: {string.Join("; ", audit.Select(r => $"{r.Kind} {r.Detail}"))}");

        await job.ResumeAsync();
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        var summary = (await job.GetSummaryAsync())!;
        Assert.DoesNotContain(summary.Remedies, r => r.Kind == "recovery");
        Assert.Equal(reference.ParameterL2, summary.ParameterL2);
    }

    private async Task<ITrainingJobGrain> SubmitAsync(string id, string spec)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>(id);
        var started = await job.SubmitAsync(new JobSubmission(spec, Resume: false));
        Assert.True(started.Error is null, started.Error);
        return job;
    }

    private async Task<JobSummary> RunAsync(string id, string spec)
    {
        var job = await SubmitAsync(id, spec);
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        return (await job.GetSummaryAsync())!;
    }
}
