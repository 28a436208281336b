using System.Net.Sockets;
using Platform.Grains.Collectives.SharedMemory;
using Platform.Grains.Interfaces.Collectives;
using Platform.Spec;

namespace Platform.Grains.Collectives;

/// <summary>Where a rank sits in its ring, and the secret its direct links prove (<see cref="LinkHandshake"/>).</summary>
internal sealed record RingPosition(string Prefix, int Rank, int WorldSize, int Generation, byte[] Secret)
{
    public int Next => (Rank + 1) % WorldSize;

    public string KeyOf(int rank) => $"{Prefix}/{rank}/{Generation}";
}

/// <summary>
/// Builds a rank's allreduce over the chosen transport. For <c>tcp</c>, the rank asks the next
/// rank's grain for its silo's tensor endpoint, connects and opens the link (proving the secret), and waits for the
/// previous rank to do the same towards it; links between ranks on one machine then move to shared
/// memory (unless <c>allreduce.shared_memory</c> is false). For <c>auto</c>, every rank tries that within
/// <see cref="ProbeTimeout"/>, and the ranks vote in one allreduce over Orleans messages, which
/// always work: direct links only if every rank has both of its own, else Orleans messages for all.
/// </summary>
internal static class RingBuilder
{
    /// <summary>How long <c>auto</c> waits for the direct links before it settles for Orleans messages.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public static RingAllReduce Build(
        RingPosition position,
        Transport transport,
        WireCodec codec,
        int? chunkKb,
        bool sharedMemory,
        TimeSpan timeout,
        ICollectivePeer next,
        ChunkMailbox mailbox,
        TensorTransportService tcp,
        CancellationToken cancel)
    {
        int ChunkValues(Transport t) => Math.Max(1, (chunkKb ?? Spec.AllreduceSpec.DefaultChunkKb(t)) * 1024 / codec.BytesPerValue);
        IRingTransport Orleans() => new OrleansRingTransport(next, mailbox, position.Generation, codec, ChunkValues(Transport.Orleans), timeout, cancel);
        RingAllReduce Ring(IRingTransport link, string name, string? fallback = null) =>
            new(position.Rank, position.WorldSize, link, codec, cancel) { Transport = name, Fallback = fallback };
        switch (transport)
        {
            case Transport.Tcp:
                var links = ConnectTcp(position, codec, ChunkValues(Transport.Tcp), sharedMemory, timeout, timeout, next, tcp, cancel);
                return Ring(links, links.Name);
            case Transport.Orleans:
                return Ring(Orleans(), "orleans");
        }

        RingLinks? direct = null;
        string? failure = null;
        try
        {
            direct = ConnectTcp(position, codec, ChunkValues(Transport.Tcp), sharedMemory, Min(ProbeTimeout, timeout), timeout, next, tcp, cancel);
        }
        catch (Exception e) when (e is TimeoutException or SocketException or IOException or OrleansException)
        {
            failure = e.Message;
        }

        var orleans = Orleans();
        var vote = new[] { direct is null ? 0f : 1f };
        Ring(orleans, "orleans").AverageInPlace(vote, step: -1);
        if (vote[0] * position.WorldSize > position.WorldSize - 0.5f)
        {
            return Ring(direct!, direct!.Name);
        }

        direct?.Dispose();
        return Ring(orleans, "orleans", failure ?? "another rank could not reach its next rank's silo directly");
    }

    private static RingLinks ConnectTcp(
        RingPosition position, WireCodec codec, int chunkValues, bool sharedMemory, TimeSpan connect, TimeSpan timeout, ICollectivePeer next, TensorTransportService tcp, CancellationToken cancel)
    {
        var mine = position.KeyOf(position.Rank);
        var incoming = tcp.Expect(mine, position.Secret);
        try
        {
            var endpoint = Wait(next.GetTransportEndpointAsync(), connect, cancel);
            var outgoing = Wait(LinkHandshake.ConnectAsync(endpoint, position.KeyOf(position.Next), position.Secret, connect, cancel), connect, cancel);
            var from = Wait(incoming, connect, cancel);
            return SharedMemoryNegotiation.Negotiate(outgoing, from, sharedMemory ? tcp.SharedMemoryDirectory : null, codec, chunkValues, connect, timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"rank {position.Rank}: the ring's TCP links were not up within {connect.TotalSeconds:0} s");
        }
        finally
        {
            tcp.Forget(mine);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static T Wait<T>(Task<T> task, TimeSpan timeout, CancellationToken cancel) => task.WaitAsync(timeout, cancel).GetAwaiter().GetResult();
}
