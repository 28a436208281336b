namespace Platform.Spec;

/// <summary>
/// How ranks average gradients: the transport (<c>auto</c>, the default: direct sockets where every
/// rank reaches the next one's silo, else Orleans grain messages; <c>tcp</c> or <c>orleans</c> to
/// insist on one), the wire encoding (<c>none</c> sends float32; <c>fp16</c> and <c>bf16</c> halve
/// the bytes at some precision) and the chunk size in KiB (default per transport), well under
/// Orleans' message limit, so that sending one chunk overlaps reducing the previous; and the bucket
/// size in KiB: gradients are averaged bucket by bucket, last layers first, while backward still
/// computes the earlier layers (<c>bucket_kb: 0</c>: one allreduce after backward); and whether
/// direct links between ranks on one machine move to shared memory (<c>shared_memory</c>, default
/// true), as NCCL's and MPI's intra-node transports do: no socket, no kernel copy.
/// </summary>
public sealed record AllreduceSpec(Transport Transport, Compression Compression, int? ChunkKb, int BucketKb = AllreduceSpec.DefaultBucketKb, bool SharedMemory = true)
{
    /// <summary>Default bucket size: measured by bench scaling on the fashion MLP and the CNN.</summary>
    public const int DefaultBucketKb = 256;

    /// <summary>Default chunk per transport: grain messages stay far under Orleans' limit; sockets take bigger pieces.</summary>
    public static int DefaultChunkKb(Transport transport) => transport == Transport.Tcp ? 4096 : 1024;

    internal static AllreduceSpec Read(SpecNode n)
    {
        var spec = new AllreduceSpec(
            n.Choice("transport", Transport.Auto),
            n.Choice("compression", Compression.None),
            ChunkKb: n.OptionalInt("chunk_kb", min: 4, max: 64 * 1024),
            BucketKb: n.Int("bucket_kb", DefaultBucketKb, min: 0, max: 1 << 20),
            SharedMemory: n.Bool("shared_memory", true));
        n.RejectUnknownKeys();
        return spec;
    }
}
