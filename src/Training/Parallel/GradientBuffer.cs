using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// All of a model's gradients as one flat float buffer, in parameter order, plus the step's loss in
/// the last slot, so that one allreduce averages both. Gathered after backward, scattered back
/// before the optimizer step.
/// </summary>
internal sealed class GradientBuffer(IReadOnlyList<(string Name, Tensor Param)> parameters)
{
    private readonly long[] sizes = parameters.Select(p => p.Param.numel()).ToArray();
    private readonly float[] values = new float[parameters.Sum(p => p.Param.numel()) + 1];

    public float[] Values => values;

    public void Gather(float loss)
    {
        values[^1] = loss;
        using var scope = NewDisposeScope();
        using var flat = cat(parameters.Select(p => (p.Param.grad ?? zeros_like(p.Param)).flatten()).ToArray());
        MemoryMarshal.Cast<byte, float>(flat.bytes).CopyTo(values.AsSpan(0, values.Length - 1));
    }

    /// <summary>Writes the (averaged) gradients back and returns the (averaged) loss.</summary>
    public float Scatter()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = tensor(values).narrow(0, 0, values.Length - 1);
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

        return values[^1];
    }
}
