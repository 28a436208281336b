using Platform.Grains.Telemetry;
using Platform.Training.Telemetry;

namespace Platform.Grains.Tests.Telemetry;

public sealed class TelemetryHistoryTests
{
    private static readonly TelemetryLayout Layout = new(["a.weight", "b.weight"], ["acts.0"]);

    [Fact]
    public void Keeps_every_step_below_capacity()
    {
        var history = new TelemetryHistory(capacity: 100);
        for (var step = 1; step <= 50; step++)
        {
            history.Add(Step(step, norm: step), Layout);
        }

        var series = history.ToSeries();
        Assert.Equal(Enumerable.Range(1, 50), series.Steps);
        Assert.Equal(["a.weight", "b.weight"], series.Layers);
        Assert.Equal(50f, series.At(series.GradNorm, 49, 1));
    }

    [Fact]
    public void Past_capacity_merges_pairs_and_keeps_non_finite_counts_and_the_largest_gradient()
    {
        var history = new TelemetryHistory(capacity: 8);
        for (var step = 1; step <= 9; step++)
        {
            history.Add(Step(step, norm: step, nonFinite: step == 3 ? 7 : 0, maxAbs: step == 3 ? 1000 : 1), Layout);
        }

        var series = history.ToSeries();
        Assert.True(series.Rows <= 8);
        Assert.Equal(9, series.Steps[^1]);
        Assert.Equal(7, series.NonFinite.Sum());
        var row = Array.IndexOf(series.Steps, 4);
        Assert.Equal(1000f, series.At(series.GradMaxAbs, row, 0));
        Assert.Equal(4f, series.At(series.GradNorm, row, 0));
    }

    [Fact]
    public void Coarsens_to_the_points_asked_for_without_losing_the_last_step()
    {
        var history = new TelemetryHistory();
        for (var step = 1; step <= 1000; step++)
        {
            history.Add(Step(step, norm: step, nonFinite: 1), Layout);
        }

        var series = history.ToSeries(maxPoints: 40);
        Assert.True(series.Rows <= 40);
        Assert.Equal(1000, series.Steps[^1]);
        Assert.Equal(1000, series.NonFinite.Sum());
    }

    [Fact]
    public void A_run_that_goes_back_replaces_the_steps_it_repeats()
    {
        var history = new TelemetryHistory();
        var first = new TelemetryHistory();
        for (var step = 1; step <= 10; step++)
        {
            first.Add(Step(step, norm: 1), Layout);
        }

        var again = new TelemetryHistory();
        for (var step = 6; step <= 12; step++)
        {
            again.Add(Step(step, norm: 2), Layout);
        }

        history.Add(first.ToSeries());
        history.Add(again.ToSeries());
        var series = history.ToSeries();
        Assert.Equal(Enumerable.Range(1, 12), series.Steps);
        Assert.Equal(1f, series.At(series.GradNorm, 4, 0));
        Assert.Equal(2f, series.At(series.GradNorm, 5, 0));
    }

    private static StepTelemetry Step(int step, float norm, long nonFinite = 0, float maxAbs = 1) => new(
        step, 0.5f, 0.1, norm, [norm, norm], [1, 1], [0.01f, 0.01f], [maxAbs, maxAbs], [nonFinite, 0], [0, 0], [0.1f], [0.2f], 0.001, 0, 0, 64);
}
