using TorchSharp;

namespace Platform.Training.Runtime;

/// <summary>Process-wide TorchSharp settings: thread count and seeded, serialized model construction.</summary>
public static class TorchRuntime
{
    private static readonly Lock SeedLock = new();

    /// <summary>Sets the intra-op thread count; null means one per core.</summary>
    public static void SetThreads(int? threads) => torch.set_num_threads(threads ?? Environment.ProcessorCount);

    /// <summary>
    /// Runs <paramref name="build"/> with torch's global generator seeded. Serialized, because two ranks
    /// in one process would otherwise interleave draws from the shared generator.
    /// </summary>
    public static T Seeded<T>(long seed, Func<T> build)
    {
        lock (SeedLock)
        {
            torch.manual_seed(seed);
            return build();
        }
    }
}
