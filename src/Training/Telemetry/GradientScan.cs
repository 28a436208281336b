using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Training.Telemetry;

/// <summary>
/// What one pass over a gradient finds: the sum of squares (NaN or infinity when the gradient holds
/// one, as torch's norm gives), the largest magnitude, and how many values are non-finite or exactly
/// zero. Vectorised; sums of squares are taken in float within blocks and added up in double, so a
/// norm over a million values agrees with a double-precision reference to about 1e-7.
/// </summary>
public readonly record struct GradientScan(double SumSquares, float MaxAbs, long NonFinite, long Zeros)
{
    private const int Block = 1024;

    public static GradientScan Of(ReadOnlySpan<float> values)
    {
        var (sum, max, nonFinite, zeros, nan) = (0.0, 0f, 0L, 0L, false);
        for (var start = 0; start < values.Length; start += Block)
        {
            var block = values.Slice(start, Math.Min(Block, values.Length - start));
            var (s, m, n, z, hasNaN) = ScanBlock(block);
            sum += s;
            max = Math.Max(max, m);
            nonFinite += n;
            zeros += z;
            nan |= hasNaN;
        }

        // Infinity already shows in max; a NaN anywhere makes the largest magnitude NaN too.
        return new GradientScan(sum, nan ? float.NaN : max, nonFinite, zeros);
    }

    /// <summary>Sum of squares of the differences, for the size of an update; double across blocks.</summary>
    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var start = 0; start < a.Length; start += Block)
        {
            var n = Math.Min(Block, a.Length - start);
            var d = TensorPrimitives.Distance(a.Slice(start, n), b.Slice(start, n));
            sum += (double)d * d;
        }

        return sum;
    }

    private static (double Sum, float Max, long NonFinite, long Zeros, bool NaN) ScanBlock(ReadOnlySpan<float> block)
    {
        var vectors = MemoryMarshal.Cast<float, Vector256<float>>(block);
        var (sum, max, nonFinite, zeros, nanSeen) = (Vector256<float>.Zero, Vector256<float>.Zero, 0L, 0L, false);
        var infinity = Vector256.Create(float.PositiveInfinity);
        foreach (var v in vectors)
        {
            var abs = Vector256.Abs(v);
            sum += v * v;
            var finite = Vector256.LessThan(abs, infinity);
            nonFinite += 8 - BitOperations.PopCount(finite.ExtractMostSignificantBits());
            zeros += BitOperations.PopCount(Vector256.Equals(v, Vector256<float>.Zero).ExtractMostSignificantBits());

            // NaN compares false, so it never wins the max; it is flagged instead.
            max = Vector256.ConditionalSelect(Vector256.GreaterThan(abs, max), abs, max);
            nanSeen |= Vector256.EqualsAll(v, v) is false;
        }

        var (s, m) = ((double)Vector256.Sum(sum), MaxOf(max));
        for (var i = vectors.Length * 8; i < block.Length; i++)
        {
            var x = block[i];
            s += x * x;
            var a = Math.Abs(x);
            nonFinite += float.IsFinite(x) ? 0 : 1;
            zeros += x == 0 ? 1 : 0;
            m = a > m ? a : m;
            nanSeen |= float.IsNaN(x);
        }

        return (s, m, nonFinite, zeros, nanSeen);
    }

    private static float MaxOf(Vector256<float> v)
    {
        var m = 0f;
        for (var i = 0; i < Vector256<float>.Count; i++)
        {
            m = Math.Max(m, v[i]);
        }

        return m;
    }
}
