using Platform.Spec;
using Platform.Training.Runtime;

namespace Platform.Training.Data;

/// <summary>
/// Which samples each rank reads. Every epoch has one permutation, derived from the seed and the epoch;
/// global batch b is positions [b*B, (b+1)*B) of it, and rank r of n takes the r-th equal slice of
/// that batch. So n ranks together see exactly the batches one rank would, whatever n is.
/// The last partial batch is dropped so every step has the same global batch.
/// </summary>
public sealed class ShardSampler
{
    private readonly int count;
    private readonly int globalBatch;
    private readonly int rank;
    private readonly int worldSize;
    private readonly long seed;
    private int permutationEpoch = -1;
    private int[] permutation = [];

    public ShardSampler(int count, int globalBatch, int rank, int worldSize, long seed)
    {
        if (globalBatch > count)
        {
            throw new SpecException("batch_size", $"{globalBatch} is larger than the training set ({count} samples)");
        }

        this.count = count;
        this.globalBatch = globalBatch;
        this.rank = rank;
        this.worldSize = worldSize;
        this.seed = seed;
    }

    public int BatchesPerEpoch => count / globalBatch;

    public int LocalBatch => globalBatch / worldSize;

    /// <summary>The samples each epoch draws from.</summary>
    public int Count => count;

    /// <summary>Indices of this rank's slice of global batch <paramref name="batch"/> in <paramref name="epoch"/>.</summary>
    public long[] Indices(int epoch, int batch) => Indices(epoch, batch * globalBatch, globalBatch);

    /// <summary>
    /// Indices of this rank's slice of the global batch of <paramref name="size"/> samples at positions
    /// [<paramref name="start"/>, start + size) of <paramref name="epoch"/>'s permutation (a batch that
    /// changes size during the run reads on from where the last one ended).
    /// </summary>
    public long[] Indices(int epoch, int start, int size)
    {
        if (epoch != permutationEpoch)
        {
            permutation = Permutation(count, seed, epoch);
            permutationEpoch = epoch;
        }

        var local = size / worldSize;
        var first = start + (rank * local);
        var indices = new long[local];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = permutation[first + i];
        }

        return indices;
    }

    /// <summary>Fisher-Yates over [0, n) with a generator seeded by (seed, epoch).</summary>
    public static int[] Permutation(int n, long seed, int epoch) => Shuffle(n, SplitMix64.For(seed, 1000 + epoch));

    /// <summary>Fisher-Yates over [0, n), drawing from <paramref name="rng"/>.</summary>
    public static int[] Shuffle(int n, SplitMix64 rng)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = i;
        }

        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }
}
