namespace Platform.Grains.Interfaces.Collectives;

/// <summary>
/// One piece of an allreduce in flight: which run, step, ring phase and chunk it is, and its
/// values encoded as bytes (float32, or 16-bit when the job compresses the wire).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CollectiveChunk(
    [property: Id(0)] int Generation,
    [property: Id(1)] int Step,
    [property: Id(2)] int Phase,
    [property: Id(3)] int Chunk,
    [property: Id(4)] byte[] Payload);
