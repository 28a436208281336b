using System.Runtime.InteropServices;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>
/// Linux futexes on a word in memory shared between processes: a waiter sleeps in the kernel until
/// the word changes and a waker says so, with no spinning and no socket in between. Process-shared
/// (not the private variant), since the word lives in a file mapped by two silo processes.
/// </summary>
internal static unsafe partial class Futex
{
    private const int Wait = 0;
    private const int Wake = 1;

    /// <summary>Whether this system has futexes the platform can call (Linux on x64 or arm64).</summary>
    public static bool Supported => OperatingSystem.IsLinux() && SyscallNumber > 0;

    private static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>Sleeps while <paramref name="word"/> still holds <paramref name="expected"/>, at most <paramref name="timeout"/>; returns at once if it does not.</summary>
    public static void WaitWhile(int* word, int expected, TimeSpan timeout)
    {
        var spec = new TimeSpec { Seconds = (long)timeout.TotalSeconds, Nanoseconds = (long)(timeout.Ticks % TimeSpan.TicksPerSecond) * 100 };
        _ = Syscall(SyscallNumber, word, Wait, expected, &spec, null, 0);
    }

    /// <summary>Wakes every waiter on <paramref name="word"/>.</summary>
    public static void WakeAll(int* word) => _ = Syscall(SyscallNumber, word, Wake, int.MaxValue, null, null, 0);

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long Syscall(long number, int* word, int operation, int value, TimeSpec* timeout, int* word2, int value3);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
