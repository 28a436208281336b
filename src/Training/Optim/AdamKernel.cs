using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Training.Optim;

/// <summary>
/// Adam's (and AdamW's) update of one parameter in one vectorised pass over its CPU memory: decay,
/// both moments, the bias-corrected step, and the size of the change, taken in registers on the way.
/// PyTorch's formulation, operation for operation.
/// </summary>
internal static class AdamKernel
{
    private const int Block = 1024;

    /// <summary>The step's constants: learning rate, betas, eps, decay (decoupled or L2) and the bias corrections.</summary>
    public readonly record struct Settings(float Lr, float Beta1, float Beta2, float Eps, float Decay, bool Decoupled, float Correction1, float Correction2);

    /// <summary>Updates <paramref name="weights"/> and both moments in place; returns the sum of squares of the change.</summary>
    public static double Apply(Span<float> weights, ReadOnlySpan<float> grads, Span<float> first, Span<float> second, Settings s)
    {
        var total = 0.0;
        for (var start = 0; start < weights.Length; start += Block)
        {
            var n = Math.Min(Block, weights.Length - start);
            total += ApplyBlock(weights.Slice(start, n), grads.Slice(start, n), first.Slice(start, n), second.Slice(start, n), s);
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ApplyBlock(Span<float> weights, ReadOnlySpan<float> grads, Span<float> first, Span<float> second, Settings s)
    {
        var w = MemoryMarshal.Cast<float, Vector256<float>>(weights);
        var g = MemoryMarshal.Cast<float, Vector256<float>>(grads);
        var m = MemoryMarshal.Cast<float, Vector256<float>>(first);
        var v = MemoryMarshal.Cast<float, Vector256<float>>(second);
        var shrink = 1 - (s.Lr * s.Decay);
        var stepSize = -s.Lr / s.Correction1;
        var (vb1, vb2, vc1, vc2) = (Vector256.Create(s.Beta1), Vector256.Create(s.Beta2), Vector256.Create(1 - s.Beta1), Vector256.Create(1 - s.Beta2));
        var (veps, vcorr, vstep, vshrink, vdecay) = (Vector256.Create(s.Eps), Vector256.Create(s.Correction2), Vector256.Create(stepSize), Vector256.Create(shrink), Vector256.Create(s.Decay));
        var (decoupled, coupled) = (s.Decay != 0 && s.Decoupled, s.Decay != 0 && !s.Decoupled);
        var squares = Vector256<float>.Zero;
        for (var i = 0; i < w.Length; i++)
        {
            var old = w[i];
            var decayed = decoupled ? old * vshrink : old;
            var grad = coupled ? g[i] + (old * vdecay) : g[i];
            var mi = (m[i] * vb1) + (grad * vc1);
            var vi = (v[i] * vb2) + (grad * grad * vc2);
            (m[i], v[i]) = (mi, vi);
            var updated = decayed + (vstep * (mi / ((Vector256.Sqrt(vi) / vcorr) + veps)));
            w[i] = updated;
            var change = updated - old;
            squares += change * change;
        }

        var sum = Vector256.Sum(squares);
        for (var k = w.Length * Vector256<float>.Count; k < weights.Length; k++)
        {
            var old = weights[k];
            var decayed = decoupled ? old * shrink : old;
            var grad = coupled ? grads[k] + (old * s.Decay) : grads[k];
            first[k] = (first[k] * s.Beta1) + (grad * (1 - s.Beta1));
            second[k] = (second[k] * s.Beta2) + (grad * grad * (1 - s.Beta2));
            var updated = decayed + (stepSize * (first[k] / ((MathF.Sqrt(second[k]) / s.Correction2) + s.Eps)));
            weights[k] = updated;
            sum += (updated - old) * (updated - old);
        }

        return sum;
    }
}
