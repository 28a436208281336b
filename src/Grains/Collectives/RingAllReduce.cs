using Platform.Grains.Interfaces.Collectives;
using Platform.Grains.Interfaces.Workers;
using Platform.Training.Parallel;

namespace Platform.Grains.Collectives;

/// <summary>
/// Bandwidth-optimal ring allreduce over Orleans messages: N-1 reduce-scatter rounds, then N-1
/// all-gather rounds, each rank sending to the next and receiving from the previous. Each segment
/// travels in chunks; all chunks of a round are sent at once and each is reduced as it arrives, so
/// the network and the additions overlap. Segment k is always summed in the same ring order and
/// divided once by its owner, so every rank ends with identical bits, whatever the timing.
/// </summary>
internal sealed class RingAllReduce(
    int rank,
    int worldSize,
    IWorkerGrain next,
    ChunkMailbox mailbox,
    int generation,
    WireCodec codec,
    int chunkValues,
    TimeSpan timeout,
    CancellationToken cancel) : IGradientReducer
{
    /// <summary>Payload bytes this rank has sent, for throughput figures.</summary>
    public long BytesSent { get; private set; }

    public void AverageInPlace(Span<float> data, int step)
    {
        for (var round = 0; round < worldSize - 1; round++)
        {
            Exchange(data, step, round, send: Mod(rank - round), receive: Mod(rank - round - 1), add: true);
        }

        var (start, length) = Segment(Mod(rank + 1), data.Length);
        var owned = data.Slice(start, length);
        System.Numerics.Tensors.TensorPrimitives.Multiply(owned, 1f / worldSize, owned);
        codec.RoundTrip(owned);

        for (var round = 0; round < worldSize - 1; round++)
        {
            Exchange(data, step, worldSize - 1 + round, send: Mod(rank + 1 - round), receive: Mod(rank - round), add: false);
        }
    }

    private void Exchange(Span<float> data, int step, int phase, int send, int receive, bool add)
    {
        var (sendStart, sendLength) = Segment(send, data.Length);
        var sends = new List<Task>();
        for (var offset = 0; offset < sendLength; offset += chunkValues)
        {
            var payload = codec.Encode(data.Slice(sendStart + offset, Math.Min(chunkValues, sendLength - offset)));
            BytesSent += payload.Length;
            sends.Add(next.ReceiveChunkAsync(new CollectiveChunk(generation, step, phase, offset / chunkValues, payload)));
        }

        var (receiveStart, receiveLength) = Segment(receive, data.Length);
        for (var offset = 0; offset < receiveLength; offset += chunkValues)
        {
            var payload = mailbox.Take(step, phase, offset / chunkValues, timeout, cancel);
            codec.Decode(payload, data.Slice(receiveStart + offset, Math.Min(chunkValues, receiveLength - offset)), add);
        }

        Task.WaitAll([.. sends], cancel);
    }

    private (int Start, int Length) Segment(int index, int length)
    {
        var start = (int)((long)index * length / worldSize);
        var end = (int)((long)(index + 1) * length / worldSize);
        return (start, end - start);
    }

    private int Mod(int value) => ((value % worldSize) + worldSize) % worldSize;
}
