using Platform.Grains.Interfaces.Collectives;

namespace Platform.Grains.Collectives;

/// <summary>
/// The portable transport: each chunk is a grain call to the next rank carrying a byte[] well
/// under Orleans' message limit; all chunks of a round are in flight at once and each is reduced
/// as it arrives.
/// </summary>
internal sealed class OrleansRingTransport(
    ICollectivePeer next, ChunkMailbox mailbox, int generation, WireCodec codec, int chunkValues, TimeSpan timeout, CancellationToken cancel) : IRingTransport
{
    public Task SendAsync(float[] data, int start, int count, int step, int phase)
    {
        var sends = new List<Task>();
        for (var offset = 0; offset < count; offset += chunkValues)
        {
            var payload = codec.Encode(data.AsSpan(start + offset, Math.Min(chunkValues, count - offset)));
            sends.Add(next.ReceiveChunkAsync(new CollectiveChunk(generation, step, phase, offset / chunkValues, payload)));
        }

        return Task.WhenAll(sends);
    }

    public void Receive(Span<float> target, int step, int phase, bool add)
    {
        for (var offset = 0; offset < target.Length; offset += chunkValues)
        {
            var payload = mailbox.Take(step, phase, offset / chunkValues, timeout, cancel);
            codec.Decode(payload, target.Slice(offset, Math.Min(chunkValues, target.Length - offset)), add);
        }
    }

    public void Dispose()
    {
    }
}
