using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Client.Tests.Output;

public sealed class WatchViewTests
{
    [Fact]
    public void Shows_a_row_per_tensor_with_its_latest_figures_and_a_trend()
    {
        // Two steps, two tensors; the second tensor's gradient went NaN at the last step.
        var series = new TelemetrySeries(
            ["layers.0.weight", "layers.1.weight"], ["acts.0"], [1, 2], [2.3f, 2.2f], [0.1f, 0.1f], [1f, float.NaN],
            GradNorm: [1e-8f, 0.5f, 1e-9f, float.NaN], WeightNorm: [2f, 4f, 2f, 4f], UpdateNorm: [0, 0, 2e-3f, 4e-3f],
            GradMaxAbs: [1e-9f, 0.1f, 1e-10f, float.NaN], NonFinite: [0, 0, 0, 12], ZeroFraction: [0, 0, 0, 0],
            Saturated: [0.25f, 0.5f], Dead: [0, 0]);
        var progress = new JobProgress("job-1", JobState.Running, 2, 10, 0.1, 2.2, 1000, 1, null, FailureKind.None);

        var lines = WatchView.Render("job-1", progress, series).Split('\n');

        Assert.StartsWith("job-1  running", lines[0], StringComparison.Ordinal);
        var first = lines.Single(l => l.StartsWith("layers.0.weight", StringComparison.Ordinal));
        Assert.Contains("1.00e-9", first, StringComparison.Ordinal);
        Assert.Contains("5.00e-10", first, StringComparison.Ordinal); // grad/weight
        Assert.Contains("1.00e-3", first, StringComparison.Ordinal); // update/weight
        var second = lines.Single(l => l.StartsWith("layers.1.weight", StringComparison.Ordinal));
        Assert.Contains("NaN", second, StringComparison.Ordinal);
        Assert.Contains(" 12 ", second, StringComparison.Ordinal);
        Assert.EndsWith("▅!", second.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("acts.0", StringComparison.Ordinal) && l.Contains("50.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Trend_scales_log_values_to_their_own_range()
    {
        Assert.Equal("▁▅█", WatchView.Trend([1e-6f, 1e-3f, 1f]));
        Assert.Equal("▅▅", WatchView.Trend([3f, 3f]));
        Assert.Equal("!!", WatchView.Trend([float.NaN, 0f]));
    }
}
