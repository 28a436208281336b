using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Tests.Jobs;

/// <summary>Health remedies through the grains: rollbacks with real checkpoints, and one decision for all ranks.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealthJobTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("health-tests-").FullName;

    private string Spec(int workers, string faults) => $"""
        model: {"{"}kind: mlp, depth: 2, width: 32, activation: tanh{"}"}
        data: {"{"}dataset: blobs, samples: 4096, test_samples: 512{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 64
        steps: 60
        workers: {workers}
        seed: 2
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: 10, keep: 3{"}"}
        faults: {faults}
        """;

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

    private async Task<(JobProgress Done, JobSummary Summary)> RunAsync(string spec)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"health-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(spec, Resume: false));
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        return (done, (await job.GetSummaryAsync())!);
    }
}
