namespace Platform.Grains.Interfaces.Collectives;

/// <summary>
/// One rank of an allreduce benchmark (key: <c>{bench}/{rank}</c>): averages a buffer of the given
/// size with its peers, a number of times, and reports how long each took.
/// </summary>
public interface IAllreduceBenchGrain : ICollectivePeer
{
    Task StartAsync(AllreduceBenchAssignment assignment);

    /// <summary>Seconds per allreduce, once the rank has finished; empty before.</summary>
    Task<double[]> GetTimesAsync();
}

[GenerateSerializer, Immutable]
public sealed record AllreduceBenchAssignment(
    [property: Id(0)] string Bench,
    [property: Id(1)] int Rank,
    [property: Id(2)] int WorldSize,
    [property: Id(3)] int Bytes,
    [property: Id(4)] int Iterations,
    [property: Id(5)] string Compression,
    [property: Id(6)] int ChunkKb,
    [property: Id(7)] string Transport,
    [property: Id(8)] bool SharedMemory = false,
    [property: Id(9)] string LinkSecret = "");
