using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Tests.Jobs;

/// <summary>Health remedies through the grains: rollbacks with real checkpoints, and one decision for all ranks.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealthJobTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("health-tests-").FullName;

    private string Spec(int workers, string faults) => BlobsJob.Spec(workers, seed: 2, checkpoints, keep: 3, $"faults: {faults}");

    [Fact]
    public async Task A_nan_batch_rolls_back_to_the_last_good_checkpoint_skips_the_batch_and_completes()
    {
        var (done, summary) = await RunAsync(Spec(1, "[{step: 25, kind: nan, layer: layers.0.weight, count: 4}]"));

        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(60, summary.Steps);
        Assert.True(double.IsFinite(summary.ParameterL2));
        Assert.True(summary.Findings.Any(f => f.Kind == "nonfinite" && f.Step == 25 && f.Value == 4), string.Join("\n", summary.Findings.Concat(summary.Remedies)));
        var rollback = Assert.Single(summary.Remedies, r => r.Kind == "rollback");
        Assert.Equal(25, rollback.Step);
        Assert.Contains(summary.Remedies, r => r.Kind == "skip" && r.Step == 25);
        Assert.True(summary.TestAccuracy > 0.9, $"accuracy {summary.TestAccuracy}");
    }

    [Fact]
    public async Task A_spike_on_one_ranks_shard_is_clipped_by_both_ranks_at_the_same_step()
    {
        var (done, summary) = await RunAsync(Spec(2, "[{step: 40, kind: scale, factor: 100000, rank: 1}]"));

        Assert.Equal(JobState.Completed, done.State);
        Assert.Contains(summary.Findings, f => f.Kind == "spike" && f.Step == 40);
        Assert.Contains(summary.Remedies, r => r.Kind == "clip" && r.Step == 40);

        // Had the ranks decided differently, their replicas would differ now.
        Assert.Equal(2, summary.RankParameterL2.Length);
        Assert.Equal(summary.RankParameterL2[0], summary.RankParameterL2[1]);
        Assert.True(double.IsFinite(summary.ParameterL2));
    }

    [Fact]
    public async Task The_pause_action_pauses_the_job_until_it_is_resumed()
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"health-pause-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(Spec(1, "[{step: 30, kind: scale, factor: 100000}]") + "\nhealth: {policy: {exploding: [clip, pause]}}", Resume: false));

        var paused = await TrainingJobGrainTests.WaitUntilAsync(job, p => p.State == JobState.Paused);
        Assert.Equal(JobState.Paused, paused.State);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await job.GetAuditAsync()).Any(r => r.Kind == "pause" && r.IsRemedy && r.Step == 30))
        {
            Assert.True(DateTime.UtcNow < deadline, "no pause remedy in the audit");
            await Task.Delay(50);
        }

        await job.ResumeAsync();
        Assert.Equal(JobState.Completed, (await TrainingJobGrainTests.WaitForEndAsync(job)).State);
    }

    [Fact]
    public async Task The_stop_action_fails_the_job_with_the_reason()
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"health-stop-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(Spec(1, "[{step: 15, kind: inf}]") + "\nhealth: {policy: {nonfinite: [stop]}}", Resume: false));

        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.Equal(JobState.Failed, done.State);
        Assert.Equal(FailureKind.Training, done.FailureKind);
        Assert.StartsWith("stopped by the health policy at step 15: nonfinite", done.Error, StringComparison.Ordinal);
        Assert.Contains((await job.GetSummaryAsync())!.Remedies, r => r.Kind == "stop");
    }

    private async Task<(JobProgress Done, JobSummary Summary)> RunAsync(string spec)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"health-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(spec, Resume: false));
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        return (done, (await job.GetSummaryAsync())!);
    }
}
