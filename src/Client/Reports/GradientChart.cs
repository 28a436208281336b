using Platform.Grains.Interfaces.Telemetry;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Platform.Client.Reports;

/// <summary>
/// The picture of vanishing (or exploding) gradients: each layer's weight-gradient L2 norm over the
/// steps, on a log scale, first layer blue through last layer red. Steps where a gradient held NaN or
/// infinity are marked with red lines: they are counted, not left out.
/// </summary>
internal static class GradientChart
{
    public const int Width = 1400;
    public const int Height = 800;

    public static void Save(TelemetrySeries series, string title, string file)
    {
        var layers = Plotted(series);
        if (series.Rows == 0 || layers.Count == 0)
        {
            throw new InvalidOperationException("the job has no per-layer telemetry to draw (was telemetry.enabled false?)");
        }

        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Turbo();
        for (var k = 0; k < layers.Count; k++)
        {
            var layer = layers[k];
            var points = Enumerable.Range(0, series.Rows)
                .Select(r => (Step: (double)series.Steps[r], Norm: (double)series.At(series.GradNorm, r, layer)))
                .Where(p => double.IsFinite(p.Norm) && p.Norm > 0)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(points.Select(p => p.Step).ToArray(), points.Select(p => Math.Log10(p.Norm)).ToArray());
            line.LegendText = series.Layers[layer];
            line.LineWidth = 2;
            line.Color = colormap.GetColor(layers.Count == 1 ? 0 : k / (double)(layers.Count - 1));
        }

        foreach (var row in Enumerable.Range(0, series.Rows).Where(r => Enumerable.Range(0, series.Layers.Length).Any(l => series.NonFinite[(r * series.Layers.Length) + l] > 0)))
        {
            var mark = plot.Add.VerticalLine(series.Steps[row], width: 1, color: Colors.Red.WithAlpha(0.5));
            mark.LinePattern = LinePattern.Dashed;
        }

        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            LabelFormatter = y => $"1e{y:0}",
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("gradient L2 norm (log scale)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(file, Width, Height);
    }

    /// <summary>The weight tensors (one per layer, input to output), or every tensor when none is a weight.</summary>
    private static List<int> Plotted(TelemetrySeries series)
    {
        var weights = Weights(series);
        return weights.Count > 0 ? weights : [.. Enumerable.Range(0, series.Layers.Length)];
    }

    /// <summary>The weight tensors, input to output: <c>NAME.weight</c>, and a recurrent layer's <c>NAME.weight_ih_l0</c> and <c>NAME.weight_hh_l0</c>.</summary>
    internal static List<int> Weights(TelemetrySeries series) =>
        [.. Enumerable.Range(0, series.Layers.Length).Where(i => series.Layers[i].EndsWith(".weight", StringComparison.Ordinal) || series.Layers[i].Contains(".weight_", StringComparison.Ordinal))];
}
