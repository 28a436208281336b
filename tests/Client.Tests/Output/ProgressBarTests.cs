using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Tests.Output;

public sealed class ProgressBarTests
{
    private static readonly JobProgress Half = new("j", JobState.Running, 50, 100, 1.5, 0.25, 1234, 1, null, FailureKind.None);

    [Fact]
    public void Format_shows_step_epoch_loss_and_throughput()
    {
        Assert.Equal(
            "[###############...............]  50% step 50/100 epoch 1.50 loss 0.2500 1,234 samples/s",
            ProgressBar.Format(Half));
    }

    [Fact]
    public void Redirected_output_gets_plain_lines_not_carriage_returns()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: false, TimeProvider.System);

        bar.Show(Half);
        bar.Show(Half with { Step = 51 });
        bar.Finish(Half with { Step = 100 });

        Assert.DoesNotContain('\r', output.ToString());
        Assert.Equal(2, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
