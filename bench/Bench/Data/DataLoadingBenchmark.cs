using Platform.Training.Data;
using Platform.Training.Data.Files;
using Platform.Training.Runtime;

namespace Platform.Bench.Data;

/// <summary>
/// What reading samples from a memory-mapped .npy costs against the same samples held in memory. An .npy
/// of Fashion-MNIST-shaped float32 samples (about <c>megabytes</c> MB) is written, then every batch of one
/// fixed seeded permutation (batch 128, rank 0 of 1) is read from the mapped file and from an in-memory
/// <see cref="TensorDataset"/> of the same data, in alternating order; the figures are epochs per second,
/// and the ratio is the median of the per-pair ratios (mapped / in memory). The file was just written, so
/// it is read from the page cache: this is the reader's cost, not the disk's. Torch runs with the threads a
/// job without <c>threads</c> gets (one per core); the mapped reader copies on the calling thread.
/// </summary>
public sealed class DataLoadingBenchmark(int megabytes, int runs, TextWriter log)
{
    public const int BatchSize = 128;
    private const long Seed = 1;
    private static readonly long[] Sample = [1, 28, 28];

    public async Task<DataLoadingResult> RunAsync()
    {
        TorchRuntime.SetThreads(null);
        var dir = Directory.CreateTempSubdirectory("data-bench-");
        try
        {
            var rows = (int)(megabytes * (1L << 20) / (Sample.Aggregate(1L, (a, d) => a * d) * sizeof(float)));
            var (x, y) = (Path.Combine(dir.FullName, "x.npy"), Path.Combine(dir.FullName, "y.npy"));
            await log.WriteLineAsync($"writing {rows} samples of [1, 28, 28] float32 ({megabytes} MB) ...");
            // Pixel-like values in [0, 1) that differ from sample to sample, cheap to make.
            NpyFile.WriteFloats(x, rows, Sample, i => (uint)(i * 2654435761L) % 256 / 256f);
            NpyFile.WriteLongs(y, rows, r => r % 10);

            using var mapped = MappedArraySource.OpenNpy(x, y);
            var memory = mapped.Load();
            // Warm-up: JIT-compiles both paths and brings the whole file into the page cache.
            EpochRead.Time(mapped, BatchSize, Seed);
            EpochRead.Time(memory, BatchSize, Seed);

            var (fromMap, fromMemory) = (new List<double>(), new List<double>());
            for (var run = 0; run < runs; run++)
            {
                foreach (var isMapped in run % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    var (seconds, _) = EpochRead.Time(isMapped ? mapped : memory, BatchSize, Seed);
                    (isMapped ? fromMap : fromMemory).Add(1 / seconds);
                }

                await log.WriteLineAsync($"run {run + 1}/{runs}: memory-mapped {fromMap[^1]:0.00} epochs/s, in memory {fromMemory[^1]:0.00} epochs/s");
            }

            var ratios = fromMap.Zip(fromMemory, (a, b) => a / b).ToList();
            return new DataLoadingResult(BenchStats.Median(fromMap), BenchStats.Median(fromMemory), BenchStats.Median(ratios), rows, new FileInfo(x).Length, Environment.ProcessorCount, fromMap, fromMemory);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>Median epochs per second from the mapped file and from memory, the median of the per-run ratios, and the set's size.</summary>
public sealed record DataLoadingResult(
    double MappedEpochsPerSecond,
    double MemoryEpochsPerSecond,
    double Ratio,
    int Samples,
    long FileBytes,
    int Threads,
    IReadOnlyList<double> MappedRuns,
    IReadOnlyList<double> MemoryRuns);
