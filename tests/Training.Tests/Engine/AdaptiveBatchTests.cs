using Platform.Spec;
using Platform.Tests.Shared;

namespace Platform.Training.Tests.Engine;

/// <summary><c>adaptive_batch</c> on two ranks: the batch grows toward the noise scale on both at once, the learning rate with it, and a resume continues exactly.</summary>
public sealed class AdaptiveBatchTests
{
    private static JobSpec Spec(string adaptive = AdaptiveBlobsJob.Adaptive) =>
        JobSpecDocument.Parse(AdaptiveBlobsJob.Spec(adaptive, "allreduce: {bucket_kb: 0}")).Validate();

    [Fact]
    public void The_batch_doubles_on_both_ranks_at_the_same_steps_and_the_learning_rate_follows_it()
    {
        var (rank0, rank1) = TwoRanks.Train(Spec());

        Assert.True(rank0.Changes.Count >= 2, $"{rank0.Changes.Count} changes");
        Assert.Equal(rank0.Changes, rank1.Changes);
        Assert.Equal(rank0.ParameterL2, rank1.ParameterL2);
        var from = 0;
        foreach (var change in rank0.Changes)
        {
            Assert.Equal(2 * change.From, change.To);
            Assert.True(change.To <= 256 && change.NoiseScale >= change.To, $"{change}");
            Assert.True(change.Step >= 20 && change.Step - from >= 10, $"{change} after a change at {from}");
            from = change.Step;
        }

        // Each step's samples and learning rate are the batch's: linear rule, constant schedule.
        foreach (var step in rank0.Steps)
        {
            var batch = rank0.Changes.LastOrDefault(c => c.Step < step.Step)?.To ?? 32;
            Assert.Equal((batch / 2, 0.05 * batch / 32), (step.Samples, step.LearningRate));
        }

        Assert.Equal(4.0, rank0.Epochs, 9);
        Assert.True(rank0.Step < 4 * (4096 / 32), $"{rank0.Step} steps");
        Assert.All(rank0.Steps.Where(s => s.BatchChange is not null), s => Assert.Equal("adaptive_batch", s.BatchChange!.Name));
        Assert.Equal(rank0.Changes.Count, rank0.Steps.Count(s => s.BatchChange is not null));
    }

    [Fact]
    public void A_run_resumed_after_the_batch_grew_ends_as_the_uninterrupted_one()
    {
        var spec = Spec();
        var file = Path.Combine(Directory.CreateTempSubdirectory("adaptive-resume-").FullName, "mid.ckpt");
        var (uninterrupted, _) = TwoRanks.Train(spec);
        var stop = uninterrupted.Changes[0].Step + 3;

        TwoRanks.Train(spec, stopAfter: stop, saveTo: file);
        var (resumed, _) = TwoRanks.Train(spec, resumeFrom: file);

        Assert.Equal(uninterrupted.ParameterL2, resumed.ParameterL2);
        Assert.Equal(uninterrupted.Changes, resumed.Changes);
        Assert.Equal(uninterrupted.Losses, resumed.Losses);
    }

    [Fact]
    public void Off_the_batch_stays_and_the_run_takes_every_step_of_its_epochs()
    {
        var (rank0, _) = TwoRanks.Train(Spec("{enabled: false}"));

        Assert.Empty(rank0.Changes);
        Assert.Equal(4 * (4096 / 32), rank0.Step);
    }
}
