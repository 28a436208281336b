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
}
