using System.Net.Sockets;

namespace Platform.Grains.Collectives.SharedMemory;

/// <summary>
/// What both directions of a shared-memory link share: the ring, the socket the link was agreed
/// on (kept open only to notice that the other rank's process is gone: nothing more travels on it),
/// the step deadline, and a count of the calls inside the mapped memory, so that closing waits for
/// them before the memory is unmapped.
/// </summary>
internal abstract class SharedMemoryLink(SharedRing ring, Socket peer, TimeSpan timeout, string side) : IDisposable
{
    public const int HeaderBytes = SharedRing.Alignment;

    /// <summary>How long one sleep lasts before the link checks the deadline and the other process.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    private int users;
    private int closing;

    protected SharedRing Ring => ring;

    public bool SharedMemory => true;

    public void Dispose()
    {
        Volatile.Write(ref closing, 1);
        peer.Dispose();

        // A call still inside finds the ring closed at its next wait; unmap only once it has left.
        var spin = new SpinWait();
        var deadline = Environment.TickCount64 + 10_000;
        while (Volatile.Read(ref users) > 0 && Environment.TickCount64 < deadline)
        {
            spin.SpinOnce();
        }

        if (Volatile.Read(ref users) == 0)
        {
            ring.Dispose();
        }
    }

    /// <summary>Marks a call inside the mapped memory; fails if the link is closing.</summary>
    protected void Enter()
    {
        Interlocked.Increment(ref users);
        if (Volatile.Read(ref closing) != 0)
        {
            Interlocked.Decrement(ref users);
            throw new ObjectDisposedException(GetType().Name);
        }
    }

    protected void Exit() => Interlocked.Decrement(ref users);

    /// <summary>Sleeps for data (reader) or space (writer), in slices, failing at the deadline or when the other side is gone.</summary>
    protected void Wait(bool forData, long deadline)
    {
        var left = TimeSpan.FromMilliseconds(deadline - Environment.TickCount64);
        if (left <= TimeSpan.Zero)
        {
            throw RingLinks.NoData(timeout);
        }

        if (ring.Closed || Volatile.Read(ref closing) != 0 || PeerGone())
        {
            throw RingLinks.Closed(side);
        }

        var sleep = left < Slice ? left : Slice;
        if (forData)
        {
            ring.WaitForData(sleep);
        }
        else
        {
            ring.WaitForSpace(sleep);
        }
    }

    /// <summary>The step deadline, in <see cref="Environment.TickCount64"/> milliseconds, for a call that starts now.</summary>
    protected long Deadline() => Environment.TickCount64 + (long)timeout.TotalMilliseconds;

    // Nothing is sent on the socket once the link is agreed: readable means closed.
    private bool PeerGone()
    {
        try
        {
            return peer.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}
