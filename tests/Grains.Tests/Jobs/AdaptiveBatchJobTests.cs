using Platform.Grains.Interfaces.Jobs;
using Platform.Tests.Shared;

namespace Platform.Grains.Tests.Jobs;

/// <summary><c>adaptive_batch</c> through the grains: the changes reach the audit and the summary, and the advice reads the batch the run ended with.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AdaptiveBatchJobTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("adaptive-batch-tests-").FullName;

    [Fact]
    public async Task A_two_rank_job_grows_its_batch_audits_each_change_and_reports_its_schedule()
    {
        var spec = AdaptiveBlobsJob.Spec(extra: $"checkpoint: {{dir: '{checkpoints}', interval: 50, keep: 1}}");
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"adaptive-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(spec, Resume: false));
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        var summary = (await job.GetSummaryAsync())!;

        Assert.Equal(new BatchStep(0, 32), summary.BatchSchedule[0]);
        Assert.True(summary.BatchSchedule.Length >= 3, string.Join(", ", summary.BatchSchedule));
        var changes = summary.Remedies.Where(r => r.Kind == "adaptive_batch").ToList();
        Assert.Equal(summary.BatchSchedule.Skip(1).Select(b => b.Step), changes.Select(c => c.Step));
        var first = changes[0];
        Assert.StartsWith($"global batch 32 -> 64 from step {first.Step + 1}: the critical batch is ~", first.Detail, StringComparison.Ordinal);
        Assert.EndsWith("learning rate x2 of the schedule's (linear rule)", first.Detail, StringComparison.Ordinal);
        Assert.True(first.Value >= first.Threshold && first.Threshold == 64, $"{first}");

        // Four epochs of 4096 samples in fewer steps than a batch of 32 takes; the ranks stayed identical.
        Assert.Equal(4.0, summary.Epochs, 9);
        Assert.True(summary.Steps < 4 * 4096 / 32, $"{summary.Steps} steps");
        Assert.Equal(summary.RankParameterL2[0], summary.RankParameterL2[1]);
        Assert.Equal(summary.BatchSchedule[^1].Batch, summary.Advice!.Batch);
        Assert.True(summary.TestAccuracy > 0.9, $"accuracy {summary.TestAccuracy}");
    }
}
