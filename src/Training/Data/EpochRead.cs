using System.Diagnostics;
using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>Reads one epoch of batches from a source as rank 0 of 1 reads them in training, and times it: what loading costs, without the model.</summary>
public static class EpochRead
{
    /// <summary>Seconds to read every batch of epoch <paramref name="epoch"/>'s seeded permutation, and the samples read.</summary>
    public static (double Seconds, long Samples) Time(ISampleSource source, int batchSize, long seed, int epoch = 0)
    {
        var sampler = new ShardSampler(source.Count, batchSize, rank: 0, worldSize: 1, seed);
        var samples = 0L;
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < sampler.BatchesPerEpoch; b++)
        {
            using var scope = NewDisposeScope();
            var (inputs, _) = source.Batch(sampler.Indices(epoch, b));
            samples += inputs.shape[0];
        }

        return (clock.Elapsed.TotalSeconds, samples);
    }
}
