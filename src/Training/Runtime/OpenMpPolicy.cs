using System.Runtime.InteropServices;

namespace Platform.Training.Runtime;

/// <summary>
/// How libtorch's OpenMP threads wait between parallel regions. By default they spin, which is
/// fastest on a machine of one's own and collapses throughput when anything else runs beside them:
/// measured on 2 cores, three fashion-MLP jobs at once trained at about 1,900 samples/s each when
/// spinning and about 10,000 each when waiting passively, while a job alone ran within the noise
/// either way. The platform shares machines (ranks, silos, other jobs), so it waits passively
/// unless the user's environment sets <c>OMP_WAIT_POLICY</c>.
/// </summary>
public static partial class OpenMpPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets the policy in the process's native environment; call before the first torch call (libtorch reads it once, when it loads).</summary>
    public static void PreferPassive()
    {
        if (OperatingSystem.IsLinux() && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            // .NET keeps its own copy of the environment on Unix; the OpenMP runtime reads the C library's.
            _ = SetEnv(Variable, "PASSIVE", 0);
            Environment.SetEnvironmentVariable(Variable, "PASSIVE");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
