using System.Globalization;
using System.Runtime.InteropServices;
using Platform.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Runtime;

/// <summary>
/// The torch device a job's rank trains on: the spec's <c>device</c>, else the silo's; a spec's
/// plain <c>cuda</c> takes the silo's GPU (<c>--device cuda:1</c>). CUDA is checked before anything is
/// built, and its absence is told in one line: a libtorch built for CPU only (this project's default
/// package), or a CUDA libtorch that sees no GPU, or fewer GPUs than the index.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The device name a rank uses: the job's, else the silo's.</summary>
    public static string Choose(string? job, string silo) =>
        job is null || (job == "cuda" && silo.StartsWith("cuda:", StringComparison.Ordinal)) ? silo : job;

    /// <summary>The torch device named <paramref name="name"/>; a SpecException naming <paramref name="field"/> when it cannot be used here.</summary>
    public static Device Open(string name, string field = "device")
    {
        if (!EngineSpec.IsDevice(name))
        {
            throw new SpecException(field, EngineSpec.DeviceError(name));
        }

        if (name == "cpu")
        {
            return CPU;
        }

        var index = name.Length > 5 ? int.Parse(name[5..], CultureInfo.InvariantCulture) : 0;
        return Unavailable(index) is { } why
            ? throw new SpecException(field, $"{name}: {why}")
            : new Device(DeviceType.CUDA, index);
    }

    /// <summary>Why GPU <paramref name="index"/> cannot be used here, or null when it can.</summary>
    public static string? Unavailable(int index)
    {
        if (!CudaLibraryPresent())
        {
            return "this libtorch is built for CPU only (no libtorch_cuda.so beside it); use the image built with TORCH=cuda (docker build --build-arg TORCH=cuda), or device: cpu";
        }

        int count;
        try
        {
            count = torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or InvalidOperationException or ExternalException)
        {
            return $"the CUDA libtorch did not start ({Text.FirstLine(e)})";
        }

        return count == 0
            ? "libtorch has CUDA but sees no GPU (check the node's NVIDIA driver, the device plugin and NVIDIA_VISIBLE_DEVICES)"
            : index >= count ? $"{count} GPU(s) visible (cuda:0 to cuda:{count - 1})" : null;
    }

    private static bool CudaLibraryPresent() =>
        new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") }
            .Any(dir => File.Exists(Path.Combine(dir, "libtorch_cuda.so")));
}
