using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Platform.Grains.Collectives;

/// <summary>
/// The direct transport: two plain TCP sockets per rank, to the next and from the previous. Each
/// round is a 12-byte header (step, phase, values), checked on arrival so a ring that falls out of
/// step fails loudly instead of adding the wrong numbers, then the encoded values in chunks, each
/// reduced as it arrives.
/// </summary>
internal sealed class TcpRingTransport : IRingTransport
{
    private const int HeaderBytes = 12;
    private readonly Socket outgoing;
    private readonly Socket incoming;
    private readonly WireCodec codec;
    private readonly int chunkValues;
    private readonly TimeSpan timeout;
    private readonly byte[] receiveBuffer;
    private readonly byte[][] buffers;

    public TcpRingTransport(Socket outgoing, Socket incoming, WireCodec codec, int chunkValues, TimeSpan timeout)
    {
        (this.outgoing, this.incoming, this.codec, this.chunkValues, this.timeout) = (outgoing, incoming, codec, chunkValues, timeout);
        receiveBuffer = new byte[Math.Max(HeaderBytes, chunkValues * codec.BytesPerValue)];
        buffers = [receiveBuffer, new byte[receiveBuffer.Length]];
    }

    public Task SendAsync(float[] data, int start, int count, int step, int phase) => Task.Run(() =>
    {
        // One header per round, then the segment's values in chunks, back to back.
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

    public void Receive(Span<float> target, int step, int phase, bool add)
    {
        incoming.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        ReceiveAll(receiveBuffer.AsSpan(0, HeaderBytes));
        var (gotStep, gotPhase, gotCount) = (
            BinaryPrimitives.ReadInt32LittleEndian(receiveBuffer),
            BinaryPrimitives.ReadInt32LittleEndian(receiveBuffer.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(receiveBuffer.AsSpan(8)));
        if ((gotStep, gotPhase, gotCount) != (step, phase, target.Length))
        {
            throw new InvalidDataException(
                $"allreduce out of step: expected step {step} phase {phase} ({target.Length} values), got step {gotStep} phase {gotPhase} ({gotCount} values)");
        }

        if (codec.IsIdentity && !add)
        {
            // All-gather in float32: the bytes land where they belong.
            ReceiveAll(MemoryMarshal.AsBytes(target));
            return;
        }

        // Double-buffered: chunk k+1 is read from the socket while chunk k is being reduced. One
        // chunk (a segment of a small model) is read right here: a thread hand-off costs more.
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

    private Task ReceiveChunk(int k, int total)
    {
        var buffer = buffers[k % 2];
        var length = Math.Min(chunkValues, total - (k * chunkValues)) * codec.BytesPerValue;
        return Task.Run(() => ReceiveAll(buffer.AsSpan(0, length)));
    }

    public void Dispose()
    {
        outgoing.Dispose();
        incoming.Dispose();
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            bytes = bytes[outgoing.Send(bytes)..];
        }
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
                // The same words as over Orleans messages: the step deadline passed with no data.
                throw new TimeoutException($"no allreduce data from the previous rank within {timeout.TotalSeconds:0} s (recovery.step_timeout_seconds)");
            }

            buffer = n > 0 ? buffer[n..] : throw new IOException("the previous rank closed its connection");
        }
    }
}
