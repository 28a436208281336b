using Platform.Spec;
using Platform.Training.Optim;

namespace Platform.Training.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_to_the_base_rate()
    {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleKind.Constant, 4, 1000, 0.1, 0), 1.0, 100);

        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], Enumerable.Range(0, 5).Select(schedule.At));
    }

    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size()
    {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleKind.Step, 0, 10, 0.5, 0), 1.0, 100);

        Assert.Equal(1.0, schedule.At(9));
        Assert.Equal(0.5, schedule.At(10));
        Assert.Equal(0.25, schedule.At(25));
    }

    [Fact]
    public void Cosine_goes_from_base_to_min_over_the_run()
    {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleKind.Cosine, 0, 1000, 0.1, 0.1), 1.0, 101);

        Assert.Equal(1.0, schedule.At(0), 9);
        Assert.Equal(0.55, schedule.At(50), 9);
        Assert.Equal(0.1, schedule.At(100), 9);
    }
}
