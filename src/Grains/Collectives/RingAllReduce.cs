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

    public long AverageInPlace(float[] data, int step)
    {
        var sent = 0L;
        for (var round = 0; round < worldSize - 1; round++)
        {
            sent += Exchange(data, step, round, send: Mod(rank - round), receive: Mod(rank - round - 1), add: true);
        }

        var (start, length) = Segment(Mod(rank + 1), data.Length);
        var owned = data.AsSpan(start, length);
        TensorPrimitives.Multiply(owned, 1f / worldSize, owned);
        codec.RoundTrip(owned);

        for (var round = 0; round < worldSize - 1; round++)
        {
            sent += Exchange(data, step, worldSize - 1 + round, send: Mod(rank + 1 - round), receive: Mod(rank - round), add: false);
        }

        return sent;
    }

    public void Dispose() => transport.Dispose();

    /// <summary>One round; returns the bytes sent (payload as encoded on the wire).</summary>
    private long Exchange(float[] data, int step, int phase, int send, int receive, bool add)
    {
        var (sendStart, sendLength) = Segment(send, data.Length);
        var sending = transport.SendAsync(data, sendStart, sendLength, step, phase);
        var (receiveStart, receiveLength) = Segment(receive, data.Length);
        transport.Receive(data.AsSpan(receiveStart, receiveLength), step, phase, add);
        sending.Wait(cancel);
        return (long)sendLength * codec.BytesPerValue;
    }

    private (int Start, int Length) Segment(int index, int length)
    {
        var start = (int)((long)index * length / worldSize);
        var end = (int)((long)(index + 1) * length / worldSize);
        return (start, end - start);
    }

    private int Mod(int value) => ((value % worldSize) + worldSize) % worldSize;
}
