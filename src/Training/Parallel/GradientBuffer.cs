using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// All of a model's gradients as one flat float buffer, in parameter order, followed by a few extra
/// values (the step's loss, per-rank activation figures), so that one allreduce averages them all.
/// Gathered after backward, scattered back before the optimizer step.
/// </summary>
internal sealed class GradientBuffer(IReadOnlyList<(string Name, Tensor Param)> parameters, int extras)
{
    private readonly long[] sizes = parameters.Select(p => p.Param.numel()).ToArray();
    private readonly float[] values = new float[parameters.Sum(p => p.Param.numel()) + extras];

    public float[] Values => values;

    private int GradientLength => values.Length - extras;

    public void Gather(ReadOnlySpan<float> extraValues)
    {
        extraValues.CopyTo(values.AsSpan(GradientLength));
        using var scope = NewDisposeScope();
        using var flat = cat(parameters.Select(p => (p.Param.grad ?? zeros_like(p.Param)).flatten()).ToArray());
        MemoryMarshal.Cast<byte, float>(flat.bytes).CopyTo(values.AsSpan(0, GradientLength));
    }

    /// <summary>Writes the (averaged) gradients back and the (averaged) extra values into <paramref name="extraValues"/>.</summary>
    public void Scatter(Span<float> extraValues)
    {
        values.AsSpan(GradientLength).CopyTo(extraValues);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = tensor(values).narrow(0, 0, GradientLength);
        var offset = 0L;
        for (var i = 0; i < sizes.Length; i++)
        {
            var p = parameters[i].Param;
            var slice = flat.narrow(0, offset, sizes[i]).view_as(p);
            if (p.grad is { } g)
            {
                g.copy_(slice);
            }
            else
            {
                p.grad = slice.clone().DetachFromDisposeScope();
            }

            offset += sizes[i];
        }
    }
}
