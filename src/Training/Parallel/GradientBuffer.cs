using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// All of a model's gradients as one flat float buffer, in parameter order, followed by a few extra
/// values (the step's loss, per-rank activation figures), so that one allreduce averages them all.
/// Gathered after backward, scattered back before the optimizer step, each a plain copy between the
/// gradients' host memory and the buffer: no tensor is made on the way.
/// </summary>
internal sealed class GradientBuffer(IReadOnlyList<(string Name, Tensor Param)> parameters, int extras)
{
    private readonly int[] sizes = [.. parameters.Select(p => checked((int)p.Param.numel()))];
    private readonly float[] values = new float[parameters.Sum(p => p.Param.numel()) + extras];

    public float[] Values => values;

    /// <summary>Each parameter's number of values, in parameter order.</summary>
    public IReadOnlyList<int> Sizes => sizes;

    /// <summary>Where the extra values start: after every gradient.</summary>
    public int GradientLength => values.Length - extras;

    public int Extras => extras;

    public void Gather(ReadOnlySpan<float> extraValues)
    {
        SetExtras(extraValues);
        var offset = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            CopyIn(i, offset);
            offset += sizes[i];
        }
    }

    public void SetExtras(ReadOnlySpan<float> extraValues) => extraValues.CopyTo(values.AsSpan(GradientLength));

    /// <summary>Copies parameter <paramref name="index"/>'s gradient to <paramref name="offset"/> of the buffer.</summary>
    public void CopyIn(int index, int offset)
    {
        var target = values.AsSpan(offset, sizes[index]);
        if (parameters[index].Param.grad is { } g)
        {
            HostMemory.Floats(g).CopyTo(target);
        }
        else
        {
            // A parameter the loss did not reach contributes zeros, as every rank agrees.
            target.Clear();
        }
    }

    /// <summary>Writes the (averaged) gradients back and the (averaged) extra values into <paramref name="extraValues"/>.</summary>
    public void Scatter(Span<float> extraValues)
    {
        values.AsSpan(GradientLength).CopyTo(extraValues);
        var offset = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var p = parameters[i].Param;
            if (p.grad is null)
            {
                // Another rank's loss reached it: this rank needs the averaged gradient too.
                using var noGrad = no_grad();
                p.grad = zeros_like(p).DetachFromDisposeScope();
            }

            values.AsSpan(offset, sizes[i]).CopyTo(HostMemory.Floats(p.grad!));
            offset += sizes[i];
        }
    }
}
