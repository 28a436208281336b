using Platform.Training.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// All of a model's gradients as one flat float buffer: a few extra values first (the step's loss,
/// per-rank activation figures, stop and pause requests), then the gradients in parameter order, so
/// that one allreduce averages them all and the extras ride with the first parameters' bucket, the
/// last to be averaged. Gathered after backward, scattered back before the optimizer step. On the
/// host path each is a plain copy between the gradients' CPU memory and the buffer, no tensor made on
/// the way; on the device path the gradients are joined into one flat tensor on the device, copied
/// to one host staging tensor (pinned memory on CUDA, so the copy is a single DMA) and from it to the
/// buffer, and back the same way.
/// </summary>
internal sealed class GradientBuffer : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly int[] sizes;
    private readonly int[] offsets;
    private readonly float[] values;
    private readonly Device? device;
    private readonly Tensor? staging;

    /// <summary>A buffer for <paramref name="parameters"/>; <paramref name="device"/>: the device path's device, null for the host path.</summary>
    public GradientBuffer(IReadOnlyList<(string Name, Tensor Param)> parameters, int extras, Device? device = null)
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
        this.device = device;
        if (device is not null)
        {
            var host = empty(offset - extras, float32);
            staging = device.type == DeviceType.CUDA ? host.pin_memory() : host;
        }
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
        if (staging is not null)
        {
            GatherFromDevice();
            return;
        }

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
        if (staging is not null)
        {
            ScatterToDevice();
            return;
        }

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

    public void Dispose() => staging?.Dispose();

    private void GatherFromDevice()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = parameters.Select((p, i) => p.Param.grad is { } g ? g.reshape(-1) : zeros(sizes[i], float32, device)).ToArray();
        if (parts.Length > 0)
        {
            staging!.copy_(cat(parts));
        }

        HostMemory.Floats(staging!).CopyTo(values.AsSpan(Extras));
    }

    private void ScatterToDevice()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        values.AsSpan(Extras).CopyTo(HostMemory.Floats(staging!));
        var flat = staging!.to(device!);
        for (var i = 0; i < sizes.Length; i++)
        {
            var p = parameters[i].Param;
            if (p.grad is null)
            {
                p.grad = zeros_like(p).DetachFromDisposeScope();
            }

            p.grad!.copy_(flat.narrow(0, offsets[i] - Extras, sizes[i]).view_as(p));
        }
    }
}
