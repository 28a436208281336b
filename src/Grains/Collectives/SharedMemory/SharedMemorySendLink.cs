using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>
/// Writes a round into the ring: a 16-byte header, the encoded values straight from the gradient
/// buffer, padding to 16 bytes. What fits is written on the calling thread, so the common round
/// (a segment smaller than the ring) costs no thread hand-off; the rest is written in the background
/// as the next rank frees space.
/// </summary>
internal sealed class SharedMemorySendLink(SharedRing ring, Socket peer, WireCodec codec, TimeSpan timeout)
    : SharedMemoryLink(ring, peer, timeout, "next"), IRingSender
{
    /// <summary>Values published at a time, so the next rank starts adding before a large segment is all written.</summary>
    private const int PieceBytes = 256 << 10;

    public Task SendAsync(float[] data, int start, int count, int step, int phase)
    {
        Enter();
        var round = new Round(data, start, count, step, phase);
        try
        {
            if (Advance(ref round))
            {
                Exit();
                return Task.CompletedTask;
            }
        }
        catch
        {
            Exit();
            throw;
        }

        return Task.Run(() =>
        {
            try
            {
                var deadline = Deadline();
                while (!Advance(ref round))
                {
                    Wait(forData: false, deadline);
                }
            }
            finally
            {
                Exit();
            }
        });
    }

    /// <summary>Writes what fits without waiting; true when the whole round is in the ring.</summary>
    private bool Advance(ref Round round)
    {
        if (!round.HeaderWritten)
        {
            var header = Ring.Writable(HeaderBytes);
            if (header.Length < HeaderBytes)
            {
                return false;
            }

            BinaryPrimitives.WriteInt32LittleEndian(header, round.Step);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], round.Phase);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], round.Count);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], 0);
            Ring.Publish(HeaderBytes);
            round.HeaderWritten = true;
        }

        var width = codec.BytesPerValue;
        while (round.Written < round.Count)
        {
            var space = Ring.Writable(Math.Min(PieceBytes, (long)(round.Count - round.Written) * width));
            var n = space.Length / width;
            if (n == 0)
            {
                return false;
            }

            var values = round.Data.AsSpan(round.Start + round.Written, n);
            if (codec.IsIdentity)
            {
                MemoryMarshal.AsBytes(values).CopyTo(space);
            }
            else
            {
                codec.EncodeInto(values, space);
            }

            Ring.Publish(n * width);
            round.Written += n;
        }

        var padding = Padding(round.Count * width);
        if (padding > 0)
        {
            if (Ring.Writable(padding).Length < padding)
            {
                return false;
            }

            Ring.Publish(padding);
        }

        return true;
    }

    public static int Padding(long bytes) => (int)((SharedRing.Alignment - (bytes % SharedRing.Alignment)) % SharedRing.Alignment);

    private struct Round(float[] data, int start, int count, int step, int phase)
    {
        public readonly float[] Data = data;
        public readonly int Start = start;
        public readonly int Count = count;
        public readonly int Step = step;
        public readonly int Phase = phase;
        public bool HeaderWritten;
        public int Written;
    }
}
