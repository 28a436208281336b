using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>Where the replica's tensors live, and which path the step takes there.</summary>
public sealed partial class TrainingSession
{
    /// <summary>Where the model, its batches, its optimizer state and its statistics' inputs live.</summary>
    public Device Device { get; }

    /// <summary>
    /// Whether the step reads and writes CPU tensors' memory directly (statistics, gradient buffers,
    /// optimizer kernels, buckets overlapped with backward); false on a GPU, and with
    /// <c>engine.host_fast_path: false</c>, where it takes the tensor-operation path a GPU takes.
    /// </summary>
    public bool HostFast { get; }

    /// <summary>A batch moved to the session's device (as it is, on the CPU).</summary>
    private (Tensor Inputs, Tensor Targets) OnDevice((Tensor Inputs, Tensor Targets) batch) =>
        Device.type == DeviceType.CPU ? batch : (batch.Inputs.to(Device), batch.Targets.to(Device));
}
