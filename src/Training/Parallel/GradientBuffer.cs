using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// All of a model's gradients as one flat float buffer: a few extra values first (the step's loss,
/// per-rank activation figures, stop and pause requests), then the gradients in parameter order, so
/// that one allreduce averages them all and the extras ride with the first parameters' bucket, the
/// last to be averaged. Gathered after backward, scattered back before the optimizer step, each a
/// plain copy between the gradients' host memory and the buffer: no tensor is made on the way.
/// </summary>
internal sealed class GradientBuffer
{
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly int[] sizes;
    private readonly int[] offsets;
    private readonly float[] values;

    public GradientBuffer(IReadOnlyList<(string Name, Tensor Param)> parameters, int extras)
    {
        this.parameters = parameters;
        sizes = [.. parameters.Select(p => checked((int)p.Param.numel()))];
        offsets = new int[sizes.Length];
        var offset = extras;
        for (var i = 0; i < sizes.Length; i++)
        {
            offsets[i] = offset;
            offset += sizes[i];
        }

        values = new float[offset];
        Extras = extras;
    }

    public float[] Values => values;

    /// <summary>Each parameter's number of values, in parameter order.</summary>
    public IReadOnlyList<int> Sizes => sizes;

    /// <summary>How many extra values lead the buffer.</summary>
    public int Extras { get; }

    /// <summary>Where parameter <paramref name="index"/>'s gradient starts in the buffer.</summary>
    public int Offset(int index) => offsets[index];

    public void Gather(ReadOnlySpan<float> extraValues)
    {
        SetExtras(extraValues);
        for (var i = 0; i < sizes.Length; i++)
        {
            CopyIn(i);
        }
    }

    public void SetExtras(ReadOnlySpan<float> extraValues) => extraValues.CopyTo(values.AsSpan(0, Extras));

    /// <summary>Copies parameter <paramref name="index"/>'s gradient into its place in the buffer.</summary>
    public void CopyIn(int index)
    {
        var target = values.AsSpan(offsets[index], sizes[index]);
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
        values.AsSpan(0, Extras).CopyTo(extraValues);
        for (var i = 0; i < sizes.Length; i++)
        {
            var p = parameters[i].Param;
            if (p.grad is null)
            {
                // Another rank's loss reached it: this rank needs the averaged gradient too.
                using var noGrad = no_grad();
                p.grad = zeros_like(p).DetachFromDisposeScope();
            }

            values.AsSpan(offsets[i], sizes[i]).CopyTo(HostMemory.Floats(p.grad!));
        }
    }
}
