using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Tests.Output;

public sealed class SummaryWriterTests
{
    [Fact]
    public void Non_finite_figures_become_null_and_keys_are_snake_case()
    {
        var summary = new JobSummary("j", JobState.Failed, 0.5, 10, double.NaN, double.NaN, double.NaN, 100, 1, double.PositiveInfinity, 1, [], [], [1.0, double.NaN], "boom", null, []);

        var json = SummaryWriter.ToJson(summary);

        Assert.Equal("failed", json["status"]!.GetValue<string>());
        Assert.Null(json["test_accuracy"]);
        Assert.Null(json["parameter_l2"]);
        Assert.Null(json["loss_history"]![1]);
        Assert.Equal(100, json["samples_per_second"]!.GetValue<double>());
    }

    [Fact]
    public void The_batch_schedule_is_a_list_of_step_and_batch_pairs_and_absent_when_unknown()
    {
        var summary = new JobSummary("j", JobState.Completed, 3, 600, 0.2, 0.88, 0.3, 40_000, 2, 30, 4, [], [], [], null, null, [])
        {
            BatchSchedule = [new BatchStep(0, 128), new BatchStep(300, 256)],
        };

        Assert.Equal("[[0,128],[300,256]]", SummaryWriter.ToJson(summary)["batch_schedule"]!.ToJsonString());
        Assert.Null(SummaryWriter.ToJson(summary with { BatchSchedule = [] })["batch_schedule"]);
    }
}
