namespace Platform.Training.Runtime;

/// <summary>
/// A tiny counter-based random generator. Its whole state is one 64-bit word, so data order and
/// synthetic data depend on the seed alone, on every platform and .NET version.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong state = seed;

    /// <summary>Derives an independent stream from a seed and a purpose tag (e.g. epoch number).</summary>
    public static SplitMix64 For(long seed, long stream) =>
        new(Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ Mix(unchecked((ulong)stream + 0x632BE59BD9B4E019UL))));

    public ulong Next()
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound) without modulo bias.</summary>
    public int NextInt(int bound)
    {
        var limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong r;
        do
        {
            r = Next();
        }
        while (r >= limit);
        return (int)(r % (ulong)bound);
    }

    /// <summary>Standard normal sample (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
