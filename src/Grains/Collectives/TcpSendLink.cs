using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Platform.Grains.Collectives;

/// <summary>The socket to the next rank: a 12-byte header per round, then the encoded values in chunks, back to back.</summary>
internal sealed class TcpSendLink(Socket outgoing, WireCodec codec, int chunkValues) : IRingSender
{
    public const int HeaderBytes = 12;

    public bool SharedMemory => false;

    public Task SendAsync(float[] data, int start, int count, int step, int phase) => Task.Run(() =>
    {
        var header = new byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, step);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), phase);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), count);
        SendAll(header);
        var encoded = codec.IsIdentity ? [] : new byte[Math.Min(chunkValues, count) * codec.BytesPerValue];
        for (var offset = 0; offset < count; offset += chunkValues)
        {
            // float32 goes out straight from the gradient buffer: no copy in user space.
            var values = data.AsSpan(start + offset, Math.Min(chunkValues, count - offset));
            var payload = codec.IsIdentity ? MemoryMarshal.AsBytes(values) : encoded.AsSpan(0, codec.EncodeInto(values, encoded));
            SendAll(payload);
        }
    });

    public void Dispose() => outgoing.Dispose();

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            bytes = bytes[outgoing.Send(bytes)..];
        }
    }
}
