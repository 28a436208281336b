using System.Net;
using System.Net.Sockets;
using Platform.Grains.Collectives;
using Platform.Grains.Collectives.SharedMemory;
using Platform.Spec;

namespace Platform.Grains.Tests.Collectives;

/// <summary>N ranks on threads of this process, each with a socket to the next and from the previous, as the silos' tensor listeners connect them.</summary>
internal static class LoopbackRing
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Each rank's (outgoing, incoming) sockets.</summary>
    public static (Socket Outgoing, Socket Incoming)[] Sockets(int ranks)
    {
        var listeners = Enumerable.Range(0, ranks).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners)
        {
            l.Start();
        }

        var accepts = listeners.Select(l => l.AcceptSocketAsync()).ToArray();
        var outgoing = Enumerable.Range(0, ranks).Select(r =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            s.Connect((IPEndPoint)listeners[(r + 1) % ranks].LocalEndpoint);
            return s;
        }).ToArray();

        // Rank r's incoming link is the one its previous rank opened to r's listener.
        var result = Enumerable.Range(0, ranks).Select(r => (outgoing[r], accepts[r].GetAwaiter().GetResult())).ToArray();
        foreach (var l in listeners)
        {
            l.Stop();
        }

        return result;
    }

    /// <summary>Every rank's links, agreed at once as the ranks do (the handshake waits on the neighbours).</summary>
    public static RingLinks[] Links(int ranks, Func<int, string?> directory, Compression compression = Compression.None, int chunkValues = 1 << 20)
    {
        var sockets = Sockets(ranks);
        var codec = new WireCodec(compression);
        var agreeing = Enumerable.Range(0, ranks)
            .Select(r => Task.Run(() => SharedMemoryNegotiation.Negotiate(sockets[r].Outgoing, sockets[r].Incoming, directory(r), codec, chunkValues, Timeout, Timeout)))
            .ToArray();
        return [.. agreeing.Select(t => t.GetAwaiter().GetResult())];
    }

    /// <summary>Runs <paramref name="work"/> for every rank on a thread of its own and returns what each gave.</summary>
    public static T[] OnEveryRank<T>(int ranks, Func<int, T> work)
    {
        var tasks = Enumerable.Range(0, ranks).Select(r => Task.Factory.StartNew(() => work(r), TaskCreationOptions.LongRunning)).ToArray();
        return [.. tasks.Select(t => t.GetAwaiter().GetResult())];
    }
}
