namespace Platform.Spec;

/// <summary>
/// How ranks average gradients: the transport (<c>orleans</c> grain messages, portable; <c>tcp</c>,
/// direct sockets between the ranks' silos, set up through the grains), the wire encoding (<c>none</c> sends float32; <c>fp16</c> and
/// <c>bf16</c> halve the bytes at some precision) and the chunk size in KiB, well under Orleans'
/// message limit, so that sending one chunk overlaps reducing the previous.
/// </summary>
public sealed record AllreduceSpec(string Transport, string Compression, int ChunkKb, int TimeoutSeconds)
{
    public static readonly string[] Transports = ["orleans", "tcp"];
    public static readonly string[] Compressions = ["none", "fp16", "bf16"];

    internal static AllreduceSpec Read(SpecNode n)
    {
        var spec = new AllreduceSpec(
            n.Choice("transport", "orleans", Transports),
            n.Choice("compression", "none", Compressions),
            ChunkKb: n.Int("chunk_kb", 1024, min: 4, max: 64 * 1024),
            TimeoutSeconds: n.Int("timeout_seconds", 60, min: 1));
        n.RejectUnknownKeys();
        return spec;
    }
}
