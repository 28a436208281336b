using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>A CPU tensor's storage as a span of floats, without copying.</summary>
internal static class HostMemory
{
    /// <summary>Whether <see cref="Floats"/> can read <paramref name="t"/>: contiguous float32 on the CPU.</summary>
    public static bool IsHostFloats(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    public static Span<float> Floats(Tensor t)
    {
        if (!IsHostFloats(t))
        {
            throw new InvalidOperationException($"telemetry reads contiguous float32 CPU tensors (got {t.dtype} on {t.device_type})");
        }

        return MemoryMarshal.Cast<byte, float>(t.bytes);
    }
}
