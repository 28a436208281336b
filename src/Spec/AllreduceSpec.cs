namespace Platform.Spec;

/// <summary>
/// How ranks average gradients: the transport (<c>orleans</c> grain messages, portable; <c>tcp</c>,
/// direct sockets between the ranks' silos, set up through the grains), the wire encoding (<c>none</c> sends float32; <c>fp16</c> and
/// <c>bf16</c> halve the bytes at some precision) and the chunk size in KiB, well under Orleans'
/// message limit, so that sending one chunk overlaps reducing the previous.
/// </summary>
public sealed record AllreduceSpec(string Transport, string Compression, int ChunkKb)
{
    /// <summary>Default chunk per transport: grain messages stay far under Orleans' limit; sockets take bigger pieces.</summary>
    public static int DefaultChunkKb(string transport) => transport == "tcp" ? 4096 : 1024;

    public static readonly string[] Transports = ["orleans", "tcp"];
    public static readonly string[] Compressions = ["none", "fp16", "bf16"];

    internal static AllreduceSpec Read(SpecNode n)
    {
        var transport = n.Choice("transport", "orleans", Transports);
        var spec = new AllreduceSpec(
            transport,
            n.Choice("compression", "none", Compressions),
            ChunkKb: n.Int("chunk_kb", DefaultChunkKb(transport), min: 4, max: 64 * 1024));
        n.RejectUnknownKeys();
        return spec;
    }
}
