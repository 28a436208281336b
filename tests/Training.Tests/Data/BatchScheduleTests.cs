using Platform.Spec;
using Platform.Training.Data;

namespace Platform.Training.Tests.Data;

public sealed class BatchScheduleTests
{
    private static readonly AdaptiveBatchSpec Adaptive = new(Enabled: true, Max: 512, Interval: 10, Warmup: 20, LrRule.Linear);

    [Fact]
    public void A_fixed_batch_reads_batch_b_of_each_epoch_at_b_times_the_batch_and_drops_the_partial_last()
    {
        var schedule = new BatchSchedule(1000, 64, worldSize: 2, AdaptiveBatchSpec.Off);
        var places = new List<(int Epoch, int Cursor)>();
        for (var step = 0; step < 40; step++)
        {
            Assert.Equal((3 * 15) - step, schedule.StepsLeft(3));
            places.Add((schedule.Epoch, schedule.Cursor));
            schedule.Advance();
            Assert.Null(schedule.Consider(step + 1, noiseScale: 1e6));
        }

        // 1000 / 64 = 15 batches an epoch; the last 40 samples are dropped.
        Assert.Equal([.. Enumerable.Range(0, 40).Select(s => (s / 15, (s % 15) * 64))], places);
        Assert.Equal(2 + (10.0 / 15), schedule.Epochs, 12);
    }

    [Fact]
    public void The_batch_doubles_once_the_noise_scale_is_twice_it_after_the_warm_up_and_the_interval()
    {
        var schedule = new BatchSchedule(100_000, 64, worldSize: 2, Adaptive);

        Assert.Null(schedule.Consider(19, noiseScale: 1e6));
        Assert.Null(schedule.Consider(20, noiseScale: 127));
        Assert.Null(schedule.Consider(20, noiseScale: null));
        Assert.Equal(new BatchChange(20, 64, 128, 128), schedule.Consider(20, noiseScale: 128));
        Assert.Equal(128, schedule.Batch);
        Assert.Null(schedule.Consider(29, noiseScale: 1e6));
        Assert.Equal(256, schedule.Consider(30, noiseScale: 1e6)!.To);
        Assert.Equal(512, schedule.Consider(40, noiseScale: 1e6)!.To);
        Assert.Null(schedule.Consider(50, noiseScale: 1e6));
        Assert.Equal([20, 30, 40], schedule.Changes.Select(c => c.Step));
        Assert.Equal(8, schedule.LrFactor(null));
    }

    [Fact]
    public void The_last_growth_stops_at_max_rounded_to_the_world_size()
    {
        var schedule = new BatchSchedule(100_000, 96, worldSize: 3, Adaptive with { Max = 160 });

        Assert.Equal(159, schedule.Consider(20, noiseScale: 1e6)!.To);
        Assert.Equal(0, schedule.Batch % 3);
    }

    [Fact]
    public void A_grown_batch_reads_on_from_where_the_last_one_ended_and_starts_a_new_epoch_when_it_no_longer_fits()
    {
        var schedule = new BatchSchedule(1000, 100, worldSize: 2, Adaptive with { Warmup = 0, Interval = 1 });
        for (var i = 0; i < 6; i++)
        {
            schedule.Advance();
        }

        Assert.Equal(200, schedule.Consider(6, noiseScale: 1e6)!.To);
        // 600 read, 400 left: a batch of 200 still fits, twice ...
        Assert.Equal((0, 600), (schedule.Epoch, schedule.Cursor));
        schedule.Advance();
        Assert.Equal((0, 800), (schedule.Epoch, schedule.Cursor));
        // ... and one of 400 no longer does: the epoch's last 200 samples are dropped.
        schedule.Consider(8, noiseScale: 1e6);
        Assert.Equal((1, 0, 400), (schedule.Epoch, schedule.Cursor, schedule.Batch));
        Assert.Equal(800, schedule.Samples);
        Assert.Equal(2 * 2, schedule.StepsLeft(3));
    }

    [Fact]
    public void Its_state_round_trips_and_a_checkpoint_of_a_fixed_batch_gives_its_place()
    {
        var schedule = new BatchSchedule(10_000, 64, worldSize: 2, Adaptive);
        for (var step = 1; step <= 35; step++)
        {
            schedule.Advance();
            schedule.Consider(step, noiseScale: 1e6);
        }

        var restored = new BatchSchedule(10_000, 64, worldSize: 2, Adaptive);
        restored.Restore(schedule.Save(), step: 35, epoch: 0, batchInEpoch: 0);
        Assert.Equal(schedule.Save() with { Changes = [] }, restored.Save() with { Changes = [] });
        Assert.Equal(schedule.Changes, restored.Changes);
        Assert.Null(restored.Consider(36, noiseScale: 1e6));
        Assert.NotNull(restored.Consider(40, noiseScale: 1e6));

        var old = new BatchSchedule(1000, 64, worldSize: 2, AdaptiveBatchSpec.Off);
        old.Restore(null, step: 20, epoch: 1, batchInEpoch: 5);
        Assert.Equal((1, 320, 64, 1280L), (old.Epoch, old.Cursor, old.Batch, old.Samples));
    }

    [Fact]
    public void A_restart_on_a_world_size_that_does_not_divide_the_batch_keeps_the_largest_multiple_below()
    {
        var schedule = new BatchSchedule(10_000, 64, worldSize: 3, Adaptive);
        schedule.Restore(new BatchScheduleState(0, 0, 0, 128, 0, []), step: 0, epoch: 0, batchInEpoch: 0);

        Assert.Equal(126, schedule.Batch);
    }
}
