using Platform.Grains.Interfaces.Telemetry;
using Platform.Training.Telemetry;

namespace Platform.Grains.Telemetry;

/// <summary>
/// Steps of telemetry in order, bounded: past <see cref="Capacity"/> rows, neighbouring rows are
/// merged in pairs, so the history covers the whole run at a coarser grain instead of forgetting its
/// start. Merging keeps the later row's norms, adds up non-finite counts and keeps the largest
/// gradient magnitude, so a NaN or a spike in a dropped step still shows.
/// </summary>
public sealed class TelemetryHistory(int capacity = TelemetryHistory.DefaultCapacity)
{
    public const int DefaultCapacity = 2048;
    private List<Row> rows = [];
    private string[] layers = [];
    private string[] activations = [];

    public int Capacity => capacity;

    public int Count => rows.Count;

    public void Add(StepTelemetry step, TelemetryLayout layout)
    {
        if (layers.Length == 0 && activations.Length == 0)
        {
            (layers, activations) = ([.. layout.Layers], [.. layout.Activations]);
        }

        rows.Add(new Row(
            step.Step, step.Loss, (float)step.LearningRate, (float)step.GlobalGradNorm, step.GradNorm, step.WeightNorm,
            step.UpdateNorm, step.GradMaxAbs, step.NonFinite, step.ZeroFraction, step.Saturated, step.Dead));
        Bound();
    }

    public void Add(TelemetrySeries series)
    {
        if (series.Rows == 0)
        {
            return;
        }

        // A resumed or rolled-back run repeats steps: its rows replace the ones it went back over.
        (layers, activations) = (series.Layers, series.Activations);
        rows.RemoveAll(r => r.Step >= series.Steps[0]);
        var (l, a) = (series.Layers.Length, series.Activations.Length);
        for (var r = 0; r < series.Rows; r++)
        {
            rows.Add(new Row(
                series.Steps[r], series.Loss[r], series.LearningRate[r], series.GlobalGradNorm[r],
                Slice(series.GradNorm, r, l), Slice(series.WeightNorm, r, l), Slice(series.UpdateNorm, r, l),
                Slice(series.GradMaxAbs, r, l), Slice(series.NonFinite, r, l), Slice(series.ZeroFraction, r, l),
                Slice(series.Saturated, r, a), Slice(series.Dead, r, a)));
        }

        Bound();
    }

    public void Clear() => rows.Clear();

    /// <summary>The history as a series of at most <paramref name="maxPoints"/> rows (all of it when 0).</summary>
    public TelemetrySeries ToSeries(int maxPoints = 0)
    {
        var stride = maxPoints <= 0 || rows.Count <= maxPoints ? 1 : (rows.Count + maxPoints - 1) / maxPoints;
        var picked = Coarsen(rows, stride);
        return new TelemetrySeries(
            layers,
            activations,
            [.. picked.Select(r => r.Step)],
            [.. picked.Select(r => r.Loss)],
            [.. picked.Select(r => r.LearningRate)],
            [.. picked.Select(r => r.GlobalGradNorm)],
            [.. picked.SelectMany(r => r.GradNorm)],
            [.. picked.SelectMany(r => r.WeightNorm)],
            [.. picked.SelectMany(r => r.UpdateNorm)],
            [.. picked.SelectMany(r => r.GradMaxAbs)],
            [.. picked.SelectMany(r => r.NonFinite)],
            [.. picked.SelectMany(r => r.ZeroFraction)],
            [.. picked.SelectMany(r => r.Saturated)],
            [.. picked.SelectMany(r => r.Dead)]);
    }

    private void Bound()
    {
        if (rows.Count > capacity)
        {
            rows = Coarsen(rows, 2);
        }
    }

    /// <summary>Merges each run of <paramref name="stride"/> rows into one, ending at the run's last step.</summary>
    private static List<Row> Coarsen(List<Row> source, int stride)
    {
        if (stride == 1)
        {
            return source;
        }

        var merged = new List<Row>((source.Count / stride) + 1);
        for (var start = 0; start < source.Count; start += stride)
        {
            var end = Math.Min(start + stride, source.Count);
            var row = source[end - 1];
            var nonFinite = (long[])row.NonFinite.Clone();
            var maxAbs = (float[])row.GradMaxAbs.Clone();
            for (var i = start; i < end - 1; i++)
            {
                for (var k = 0; k < nonFinite.Length; k++)
                {
                    nonFinite[k] += source[i].NonFinite[k];
                    maxAbs[k] = Larger(maxAbs[k], source[i].GradMaxAbs[k]);
                }
            }

            merged.Add(row with { NonFinite = nonFinite, GradMaxAbs = maxAbs });
        }

        return merged;
    }

    private static float Larger(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Max(a, b);

    private static T[] Slice<T>(T[] column, int row, int width) => column.AsSpan(row * width, width).ToArray();

    private sealed record Row(
        int Step,
        float Loss,
        float LearningRate,
        float GlobalGradNorm,
        float[] GradNorm,
        float[] WeightNorm,
        float[] UpdateNorm,
        float[] GradMaxAbs,
        long[] NonFinite,
        float[] ZeroFraction,
        float[] Saturated,
        float[] Dead);
}
