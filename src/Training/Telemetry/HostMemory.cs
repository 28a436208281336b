using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>A CPU tensor's storage as a span of floats, without copying.</summary>
internal static class HostMemory
{
    public static Span<float> Floats(Tensor t)
    {
        if (t.device_type != DeviceType.CPU || t.dtype != ScalarType.Float32 || !t.is_contiguous())
        {
            throw new InvalidOperationException($"telemetry reads contiguous float32 CPU tensors (got {t.dtype} on {t.device_type})");
        }

        return MemoryMarshal.Cast<byte, float>(t.bytes);
    }
}
