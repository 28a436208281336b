using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>
/// Turns a rank's two TCP links into shared memory where the other rank runs on the same machine.
/// Each rank offers the next rank a ring it created (path, nonce, size) over the outgoing socket,
/// answers the previous rank's offer on the incoming one (yes if the file opens here and holds the
/// nonce), then reads the next rank's answer. Offers go out before any answer is awaited, so the
/// ring never waits on itself. A link whose offer is refused, or that has no memory file system,
/// stays a socket; the file's name is removed once the answer is in, so nothing is left behind.
/// </summary>
internal static class SharedMemoryNegotiation
{
    /// <summary>Bytes of each link's ring: several buckets' worth; larger rounds stream through it.</summary>
    public const long RingBytes = 4 << 20;

    private const int Offer = 0x314D4853;
    private const int NoOffer = 0;

    /// <summary>
    /// The links of a rank whose sockets are up. <paramref name="directory"/> is where rings are made
    /// (null: this rank offers none and accepts none).
    /// </summary>
    public static RingLinks Negotiate(
        Socket outgoing, Socket incoming, string? directory, WireCodec codec, int chunkValues, TimeSpan handshakeTimeout, TimeSpan stepTimeout)
    {
        outgoing.ReceiveTimeout = incoming.ReceiveTimeout = (int)handshakeTimeout.TotalMilliseconds;
        var usable = directory is not null && Futex.Supported;
        var mine = usable ? TryCreate(directory!) : null;
        SharedRing? accepted = null;
        try
        {
            SendOffer(outgoing, mine);
            accepted = ReadOffer(incoming) is { } offer && usable ? SharedRing.TryOpen(directory!, offer.Path, offer.Nonce, offer.Capacity) : null;
            incoming.Send([accepted is null ? (byte)0 : (byte)1]);
            var agreed = ReadExactly(outgoing, 1)[0] == 1 && mine is not null;
            if (!agreed)
            {
                mine?.Ring.Dispose();
            }

            IRingSender send = agreed ? new SharedMemorySendLink(mine!.Value.Ring, outgoing, codec, stepTimeout) : new TcpSendLink(outgoing, codec, chunkValues);
            IRingReceiver receive = accepted is not null ? new SharedMemoryReceiveLink(accepted, incoming, codec, stepTimeout) : new TcpReceiveLink(incoming, codec, chunkValues, stepTimeout);
            return new RingLinks(send, receive);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            Discard(mine, accepted);
            throw new TimeoutException($"the ring's links were not agreed within {handshakeTimeout.TotalSeconds:0} s");
        }
        catch
        {
            Discard(mine, accepted);
            throw;
        }
        finally
        {
            // The next rank has mapped the file or refused it: the name is no longer needed.
            if (mine is { } m)
            {
                File.Delete(m.Path);
            }
        }
    }

    private static (SharedRing Ring, string Path, byte[] Nonce)? TryCreate(string directory)
    {
        try
        {
            return SharedRing.Create(directory, RingBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Discard((SharedRing Ring, string Path, byte[] Nonce)? mine, SharedRing? accepted)
    {
        mine?.Ring.Dispose();
        accepted?.Dispose();
    }

    private static void SendOffer(Socket socket, (SharedRing Ring, string Path, byte[] Nonce)? ring)
    {
        if (ring is not { } r)
        {
            socket.Send(BitConverter.GetBytes(NoOffer));
            return;
        }

        var path = Encoding.UTF8.GetBytes(r.Path);
        var message = new byte[4 + 4 + path.Length + SharedRing.NonceBytes + 8];
        BinaryPrimitives.WriteInt32LittleEndian(message, Offer);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), path.Length);
        path.CopyTo(message.AsSpan(8));
        r.Nonce.CopyTo(message.AsSpan(8 + path.Length));
        BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(8 + path.Length + SharedRing.NonceBytes), r.Ring.Capacity);
        socket.Send(message);
    }

    private static (string Path, byte[] Nonce, long Capacity)? ReadOffer(Socket socket)
    {
        var kind = BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(socket, 4));
        if (kind == NoOffer)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(socket, 4));
        if (kind != Offer || length is <= 0 or > 4096)
        {
            throw new InvalidDataException($"the previous rank's link offer is malformed (kind {kind:X8}, path of {length} bytes)");
        }

        var path = Encoding.UTF8.GetString(ReadExactly(socket, length));
        var nonce = ReadExactly(socket, SharedRing.NonceBytes);
        var capacity = BinaryPrimitives.ReadInt64LittleEndian(ReadExactly(socket, 8));
        return (path, nonce, capacity);
    }

    private static byte[] ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = socket.Receive(buffer, read, count - read, SocketFlags.None);
            read += n > 0 ? n : throw RingLinks.Closed("other");
        }

        return buffer;
    }
}
