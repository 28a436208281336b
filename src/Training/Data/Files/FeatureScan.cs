using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// Passes over a source's inputs in chunks, so a memory-mapped set is never held whole: the check for NaN
/// and infinity, and the normalisation statistics (one value per feature for 1-D samples, one for all
/// elements otherwise; a zero spread becomes 1 so constant features pass through unscaled).
/// </summary>
public static class FeatureScan
{
    // About 4 MB of float32 per chunk, whatever the sample size.
    private const long ChunkElements = 1 << 20;

    public static void RequireFinite(ISampleSource source, string name, string field)
    {
        foreach (var (start, count) in Chunks(source))
        {
            using var scope = NewDisposeScope();
            var (x, _) = source.Range(start, count);
            var bad = x.reshape(count, -1).isfinite().all(1).logical_not().nonzero();
            if (bad.shape[0] > 0)
            {
                var row = start + bad[0, 0].item<long>();
                throw new SpecException(field, $"{name} row {row} holds NaN or infinity (rows count from 0); clean or drop that row");
            }
        }
    }

    public static InputNormalization Statistics(ISampleSource train, long[] sampleShape, NormalizeMethod method, string raw)
    {
        if (method == NormalizeMethod.None)
        {
            return new InputNormalization("none", [0f], [1f], raw);
        }

        var features = sampleShape.Length == 1 ? (int)sampleShape[0] : 1;
        var (sum, squares) = (new double[features], new double[features]);
        var (min, max) = (Enumerable.Repeat(double.PositiveInfinity, features).ToArray(), Enumerable.Repeat(double.NegativeInfinity, features).ToArray());
        double[]? shift = null;
        var n = 0L;
        foreach (var (start, count) in Chunks(train))
        {
            using var scope = NewDisposeScope();
            var x = train.Range(start, count).Inputs.to(float64).reshape(-1, features);
            // Sums are taken about the first sample, so a large mean does not swamp the variance.
            shift ??= x[0].data<double>().ToArray();
            var d = x - tensor(shift);
            Add(sum, d.sum(dim: 0L));
            Add(squares, d.square().sum(dim: 0L));
            Fold(min, x.amin(0L), Math.Min);
            Fold(max, x.amax(0L), Math.Max);
            n += x.shape[0];
        }

        shift ??= new double[features];
        var (center, spread) = (new float[features], new float[features]);
        for (var f = 0; f < features; f++)
        {
            var mean = sum[f] / n;
            var (c, s) = method == NormalizeMethod.Standard
                ? (shift[f] + mean, Math.Sqrt(Math.Max(0, (squares[f] / n) - (mean * mean))))
                : (min[f], max[f] - min[f]);
            (center[f], spread[f]) = ((float)c, s > 0 ? (float)s : 1f);
        }

        return new InputNormalization(method == NormalizeMethod.Standard ? "standard" : "minmax", center, spread, raw);
    }

    private static IEnumerable<(int Start, int Count)> Chunks(ISampleSource source)
    {
        var rows = (int)Math.Clamp(ChunkElements / (source.Count == 0 ? 1 : PerSample(source)), 1, 1 << 16);
        for (var start = 0; start < source.Count; start += rows)
        {
            yield return (start, Math.Min(rows, source.Count - start));
        }
    }

    private static long PerSample(ISampleSource source)
    {
        using var scope = NewDisposeScope();
        return source.Range(0, 1).Inputs.numel();
    }

    private static void Add(double[] into, Tensor values)
    {
        var v = values.data<double>().ToArray();
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += v[i];
        }
    }

    private static void Fold(double[] into, Tensor values, Func<double, double, double> pick)
    {
        var v = values.data<double>().ToArray();
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = pick(into[i], v[i]);
        }
    }
}
