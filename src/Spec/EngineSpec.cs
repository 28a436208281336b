using System.Text.RegularExpressions;

namespace Platform.Spec;

/// <summary>
/// How the step runs its tensors. <c>host_fast_path</c> (true): on the CPU, statistics, gradient
/// buffers and optimizer updates read and write the tensors' memory directly, in vectorised passes;
/// false runs the path a GPU takes (tensor operations on the device, one small vector of statistics
/// copied to the host per step, the flat gradient staged through one host buffer), which is how that
/// path is tested where there is no GPU.
/// </summary>
public sealed partial record EngineSpec(bool HostFastPath)
{
    public static readonly EngineSpec Default = new(true);

    internal static EngineSpec Read(SpecNode n)
    {
        var spec = new EngineSpec(n.Bool("host_fast_path", true));
        n.RejectUnknownKeys();
        return spec;
    }

    /// <summary>Whether <paramref name="device"/> names a device: <c>cpu</c>, <c>cuda</c> (the first GPU, or the silo's) or <c>cuda:N</c>.</summary>
    public static bool IsDevice(string device) => DevicePattern().IsMatch(device);

    /// <summary>The error for a device name that is not one.</summary>
    public static string DeviceError(string device) => $"unknown device '{device}' (expected cpu, cuda or cuda:N)";

    [GeneratedRegex("^(cpu|cuda(:[0-9]{1,3})?)$")]
    private static partial Regex DevicePattern();
}
