using System.Numerics.Tensors;
using Platform.Training.Parallel;

namespace Platform.Grains.Collectives;

/// <summary>
/// Bandwidth-optimal ring allreduce: N-1 reduce-scatter rounds, then N-1 all-gather rounds, each
/// rank sending to the next and receiving from the previous over an <see cref="IRingTransport"/>.
/// Segment k is always summed in the same ring order and divided once by its owner, so every
/// rank ends with identical bits, whatever the timing or the transport.
/// </summary>
internal sealed class RingAllReduce(int rank, int worldSize, IRingTransport transport, WireCodec codec, CancellationToken cancel) : IGradientReducer, IDisposable
{
    /// <summary>The transport the ring runs on: <c>tcp</c> or <c>orleans</c>.</summary>
    public string Transport { get; init; } = "orleans";

    /// <summary>Why <c>auto</c> settled for Orleans messages; null when it did not have to.</summary>
    public string? Fallback { get; init; }

    public long AverageInPlace(float[] data, int step) => AverageInPlace(data, 0, data.Length, step, 0);

    public long AverageInPlace(float[] data, int start, int count, int step, int slot)
    {
        // Every exchange of a step has its own phases, so a bucket's chunks never meet another's.
        var first = slot * 2 * (worldSize - 1);
        var range = new Range(start, count);
        var sent = 0L;
        for (var round = 0; round < worldSize - 1; round++)
        {
            sent += Exchange(data, range, step, first + round, send: Mod(rank - round), receive: Mod(rank - round - 1), add: true);
        }

        var (ownedStart, length) = Segment(Mod(rank + 1), count);
        var owned = data.AsSpan(start + ownedStart, length);
        TensorPrimitives.Multiply(owned, 1f / worldSize, owned);
        codec.RoundTrip(owned);

        for (var round = 0; round < worldSize - 1; round++)
        {
            sent += Exchange(data, range, step, first + worldSize - 1 + round, send: Mod(rank + 1 - round), receive: Mod(rank - round), add: false);
        }

        return sent;
    }

    public void Dispose() => transport.Dispose();

    /// <summary>One round over <paramref name="range"/> of <paramref name="data"/>; returns the bytes sent (payload as encoded on the wire).</summary>
    private long Exchange(float[] data, Range range, int step, int phase, int send, int receive, bool add)
    {
        var (sendStart, sendLength) = Segment(send, range.Count);
        var sending = transport.SendAsync(data, range.Start + sendStart, sendLength, step, phase);
        var (receiveStart, receiveLength) = Segment(receive, range.Count);
        transport.Receive(data.AsSpan(range.Start + receiveStart, receiveLength), step, phase, add);
        sending.Wait(cancel);
        return (long)sendLength * codec.BytesPerValue;
    }

    private readonly record struct Range(int Start, int Count);

    private (int Start, int Length) Segment(int index, int length)
    {
        var start = (int)((long)index * length / worldSize);
        var end = (int)((long)(index + 1) * length / worldSize);
        return (start, end - start);
    }

    private int Mod(int value) => ((value % worldSize) + worldSize) % worldSize;
}
