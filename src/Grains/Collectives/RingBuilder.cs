using Platform.Grains.Interfaces.Collectives;

namespace Platform.Grains.Collectives;

/// <summary>Where a rank sits in its ring and how it talks to its neighbours.</summary>
internal sealed record RingPosition(string Prefix, int Rank, int WorldSize, int Generation)
{
    public int Next => (Rank + 1) % WorldSize;

    public string KeyOf(int rank) => $"{Prefix}/{rank}/{Generation}";
}

/// <summary>
/// Builds a rank's allreduce over the chosen transport. For <c>tcp</c>, the rank asks the next
/// rank's grain for its silo's tensor endpoint, connects and names the link, and waits for the
/// previous rank to do the same towards it.
/// </summary>
internal static class RingBuilder
{
    public static RingAllReduce Build(
        RingPosition position,
        string transport,
        WireCodec codec,
        int chunkKb,
        TimeSpan timeout,
        ICollectivePeer next,
        ChunkMailbox mailbox,
        TensorTransportService tcp,
        CancellationToken cancel)
    {
        var chunkValues = Math.Max(1, chunkKb * 1024 / codec.BytesPerValue);
        IRingTransport link = transport == "tcp"
            ? ConnectTcp(position, codec, chunkValues, timeout, next, tcp, cancel)
            : new OrleansRingTransport(next, mailbox, position.Generation, codec, chunkValues, timeout, cancel);
        return new RingAllReduce(position.Rank, position.WorldSize, link, codec, cancel);
    }

    private static TcpRingTransport ConnectTcp(
        RingPosition position, WireCodec codec, int chunkValues, TimeSpan timeout, ICollectivePeer next, TensorTransportService tcp, CancellationToken cancel)
    {
        var mine = position.KeyOf(position.Rank);
        var incoming = tcp.Expect(mine);
        try
        {
            var endpoint = Wait(next.GetTransportEndpointAsync(), timeout, cancel);
            var outgoing = Wait(TensorTransportService.ConnectAsync(endpoint, position.KeyOf(position.Next), cancel), timeout, cancel);
            var from = Wait(incoming, timeout, cancel);
            return new TcpRingTransport(outgoing, from, codec, chunkValues, timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"rank {position.Rank}: the ring's TCP links were not up within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            tcp.Forget(mine);
        }
    }

    private static T Wait<T>(Task<T> task, TimeSpan timeout, CancellationToken cancel) => task.WaitAsync(timeout, cancel).GetAwaiter().GetResult();
}
