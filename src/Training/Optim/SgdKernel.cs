using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Training.Optim;

/// <summary>
/// SGD's update of one parameter in one vectorised pass over its CPU memory: L2 decay, momentum
/// (heavy ball or Nesterov), the step, and the size of the change, taken in registers on the way
/// (sums in float within blocks, double across them). PyTorch's formulation, operation for
/// operation; a tensor-op update of the same step costs a pass per operation and a copy to measure it.
/// </summary>
internal static class SgdKernel
{
    private const int Block = 1024;

    /// <summary>Updates <paramref name="weights"/> in place and returns the sum of squares of the change. <paramref name="buffer"/> is empty without momentum.</summary>
    public static double Apply(Span<float> weights, ReadOnlySpan<float> grads, Span<float> buffer, float lr, float momentum, float decay, bool nesterov)
    {
        var total = 0.0;
        for (var start = 0; start < weights.Length; start += Block)
        {
            var n = Math.Min(Block, weights.Length - start);
            total += ApplyBlock(weights.Slice(start, n), grads.Slice(start, n), buffer.IsEmpty ? buffer : buffer.Slice(start, n), lr, momentum, decay, nesterov);
        }

        return total;
    }

    /// <summary>
    /// The sum of squares of the step's direction before it is taken (what <see cref="Apply"/> would
    /// multiply by the learning rate); nothing is written.
    /// </summary>
    public static double Direction(ReadOnlySpan<float> weights, ReadOnlySpan<float> grads, ReadOnlySpan<float> buffer, float momentum, float decay, bool nesterov)
    {
        var direction = 0.0;
        for (var start = 0; start < weights.Length; start += Block)
        {
            var n = Math.Min(Block, weights.Length - start);
            direction += DirectionBlock(weights.Slice(start, n), grads.Slice(start, n), buffer.IsEmpty ? buffer : buffer.Slice(start, n), momentum, decay, nesterov);
        }

        return direction;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DirectionBlock(ReadOnlySpan<float> weights, ReadOnlySpan<float> grads, ReadOnlySpan<float> buffer, float momentum, float decay, bool nesterov)
    {
        var w = MemoryMarshal.Cast<float, Vector256<float>>(weights);
        var g = MemoryMarshal.Cast<float, Vector256<float>>(grads);
        var b = MemoryMarshal.Cast<float, Vector256<float>>(buffer);
        var (vm, vd) = (Vector256.Create(momentum), Vector256.Create(decay));
        var hasBuffer = !buffer.IsEmpty;
        var squares = Vector256<float>.Zero;
        for (var i = 0; i < w.Length; i++)
        {
            var d = Direction(w[i], g[i], hasBuffer ? b[i] : Vector256<float>.Zero, vm, vd, hasBuffer, nesterov);
            squares += d * d;
        }

        var directionSum = Vector256.Sum(squares);
        for (var k = w.Length * Vector256<float>.Count; k < weights.Length; k++)
        {
            var d = decay != 0 ? grads[k] + (weights[k] * decay) : grads[k];
            if (hasBuffer)
            {
                var next = (buffer[k] * momentum) + d;
                d = nesterov ? d + (next * momentum) : next;
            }

            directionSum += d * d;
        }

        return directionSum;
    }

    private static Vector256<float> Direction(Vector256<float> w, Vector256<float> g, Vector256<float> b, Vector256<float> momentum, Vector256<float> decay, bool hasBuffer, bool nesterov)
    {
        var d = g + (w * decay);
        if (!hasBuffer)
        {
            return d;
        }

        var next = (b * momentum) + d;
        return nesterov ? d + (next * momentum) : next;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ApplyBlock(Span<float> weights, ReadOnlySpan<float> grads, Span<float> buffer, float lr, float momentum, float decay, bool nesterov)
    {
        var w = MemoryMarshal.Cast<float, Vector256<float>>(weights);
        var g = MemoryMarshal.Cast<float, Vector256<float>>(grads);
        var b = MemoryMarshal.Cast<float, Vector256<float>>(buffer);
        var (vlr, vm, vd) = (Vector256.Create(lr), Vector256.Create(momentum), Vector256.Create(decay));
        var hasBuffer = !buffer.IsEmpty;
        var squares = Vector256<float>.Zero;
        for (var i = 0; i < w.Length; i++)
        {
            var old = w[i];
            var d = decay != 0 ? g[i] + (old * vd) : g[i];
            if (hasBuffer)
            {
                var next = (b[i] * vm) + d;
                b[i] = next;
                d = nesterov ? d + (next * vm) : next;
            }

            var updated = old - (d * vlr);
            w[i] = updated;
            var change = updated - old;
            squares += change * change;
        }

        var sum = Vector256.Sum(squares);
        for (var k = w.Length * Vector256<float>.Count; k < weights.Length; k++)
        {
            var old = weights[k];
            var d = decay != 0 ? grads[k] + (old * decay) : grads[k];
            if (hasBuffer)
            {
                var next = (buffer[k] * momentum) + d;
                buffer[k] = next;
                d = nesterov ? d + (next * momentum) : next;
            }

            var updated = old - (d * lr);
            weights[k] = updated;
            sum += (updated - old) * (updated - old);
        }

        return sum;
    }
}
