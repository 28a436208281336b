using System.Buffers.Binary;
using System.Net.Sockets;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>Reads a round from the ring on the step thread, adding the values into the target (or copying them) straight from the mapped memory.</summary>
internal sealed class SharedMemoryReceiveLink(SharedRing ring, Socket peer, WireCodec codec, TimeSpan timeout)
    : SharedMemoryLink(ring, peer, timeout, "previous"), IRingReceiver
{
    public void Receive(Span<float> target, int step, int phase, bool add)
    {
        Enter();
        try
        {
            var deadline = Deadline();
            var header = Take(HeaderBytes, deadline);
            RingLinks.CheckHeader(
                (step, phase, target.Length),
                (BinaryPrimitives.ReadInt32LittleEndian(header), BinaryPrimitives.ReadInt32LittleEndian(header[4..]), BinaryPrimitives.ReadInt32LittleEndian(header[8..])));
            Ring.Consume(HeaderBytes);

            var width = codec.BytesPerValue;
            for (var done = 0; done < target.Length;)
            {
                var bytes = Ring.Readable((long)(target.Length - done) * width);
                var n = bytes.Length / width;
                if (n == 0)
                {
                    Wait(forData: true, deadline);
                    continue;
                }

                codec.Decode(bytes[..(n * width)], target.Slice(done, n), add);
                Ring.Consume(n * width);
                done += n;
            }

            var padding = SharedMemorySendLink.Padding((long)target.Length * width);
            if (padding > 0)
            {
                Take(padding, deadline);
                Ring.Consume(padding);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> (which never wrap: records are aligned) can be read.</summary>
    private ReadOnlySpan<byte> Take(int bytes, long deadline)
    {
        while (true)
        {
            var ready = Ring.Readable(bytes);
            if (ready.Length == bytes)
            {
                return ready;
            }

            Wait(forData: true, deadline);
        }
    }
}
