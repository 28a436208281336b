using Orleans.Concurrency;

namespace Platform.Grains.Interfaces.Collectives;

/// <summary>A grain that takes part in an allreduce ring: it receives chunks from the previous rank.</summary>
public interface ICollectivePeer : IGrainWithStringKey
{
    /// <summary>From the previous rank in the ring: a chunk of an allreduce round.</summary>
    [AlwaysInterleave]
    Task ReceiveChunkAsync(CollectiveChunk chunk);

    /// <summary>HOST:PORT of this peer's silo's direct tensor listener, for the TCP transport.</summary>
    [AlwaysInterleave]
    Task<string> GetTransportEndpointAsync();
}
