using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Platform.Grains.Collectives;

/// <summary>
/// The socket from the previous rank. Double-buffered: chunk k+1 is read from the socket while
/// chunk k is being reduced; a one-chunk segment is read on the step thread, where a thread
/// hand-off would cost more than it hides.
/// </summary>
internal sealed class TcpReceiveLink : IRingReceiver
{
    private readonly Socket incoming;
    private readonly WireCodec codec;
    private readonly int chunkValues;
    private readonly TimeSpan timeout;
    private readonly byte[][] buffers;

    public TcpReceiveLink(Socket incoming, WireCodec codec, int chunkValues, TimeSpan timeout)
    {
        (this.incoming, this.codec, this.chunkValues, this.timeout) = (incoming, codec, chunkValues, timeout);
        var size = Math.Max(TcpSendLink.HeaderBytes, chunkValues * codec.BytesPerValue);
        buffers = [new byte[size], new byte[size]];
    }

    public bool SharedMemory => false;

    public void Receive(Span<float> target, int step, int phase, bool add)
    {
        incoming.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var header = buffers[0].AsSpan(0, TcpSendLink.HeaderBytes);
        ReceiveAll(header);
        RingLinks.CheckHeader(
            (step, phase, target.Length),
            (BinaryPrimitives.ReadInt32LittleEndian(header), BinaryPrimitives.ReadInt32LittleEndian(header[4..]), BinaryPrimitives.ReadInt32LittleEndian(header[8..])));
        if (codec.IsIdentity && !add)
        {
            // All-gather in float32: the bytes land where they belong.
            ReceiveAll(MemoryMarshal.AsBytes(target));
            return;
        }

        var chunks = (target.Length + chunkValues - 1) / chunkValues;
        if (chunks == 1)
        {
            var bytes = target.Length * codec.BytesPerValue;
            ReceiveAll(buffers[0].AsSpan(0, bytes));
            codec.Decode(buffers[0].AsSpan(0, bytes), target, add);
            return;
        }

        var pending = ReceiveChunk(0, target.Length);
        for (var k = 0; k < chunks; k++)
        {
            pending.GetAwaiter().GetResult();
            var next = k + 1 < chunks ? ReceiveChunk(k + 1, target.Length) : Task.CompletedTask;
            var slice = target.Slice(k * chunkValues, Math.Min(chunkValues, target.Length - (k * chunkValues)));
            codec.Decode(buffers[k % 2].AsSpan(0, slice.Length * codec.BytesPerValue), slice, add);
            pending = next;
        }
    }

    public void Dispose() => incoming.Dispose();

    private Task ReceiveChunk(int k, int total)
    {
        var buffer = buffers[k % 2];
        var length = Math.Min(chunkValues, total - (k * chunkValues)) * codec.BytesPerValue;
        return Task.Run(() => ReceiveAll(buffer.AsSpan(0, length)));
    }

    private void ReceiveAll(Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n;
            try
            {
                n = incoming.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                throw RingLinks.NoData(timeout);
            }

            buffer = n > 0 ? buffer[n..] : throw RingLinks.Closed("previous");
        }
    }
}
