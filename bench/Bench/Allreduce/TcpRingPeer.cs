using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Bench.Allreduce;

/// <summary>
/// The raw baseline: one rank of a ring over plain loopback TCP, moving exactly the bytes a ring
/// allreduce moves (2(n-1) rounds of S/n bytes to the next rank while receiving as much from the
/// previous), in the same chunk size, with no serialization and no arithmetic. Like the real ring,
/// it sends from and receives into the segments of one S-byte buffer, so both pay the same memory
/// traffic; a reused cache-resident chunk would flatter the baseline.
/// </summary>
public static class TcpRingPeer
{
    public static async Task<double[]> RunAsync(int rank, int world, int listenPort, IPEndPoint next, int bytes, int iterations, int chunkBytes)
    {
        var listener = new TcpListener(IPAddress.Loopback, listenPort);
        listener.Start();
        var accept = listener.AcceptSocketAsync();
        using var outgoing = await ConnectAsync(next);
        using var incoming = await accept;
        listener.Stop();
        outgoing.NoDelay = incoming.NoDelay = true;

        var segment = bytes / world;
        var data = new byte[segment * world];
        Array.Fill(data, (byte)rank);
        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            for (var round = 0; round < 2 * (world - 1); round++)
            {
                // The same segment indices as the ring's reduce-scatter and all-gather rounds.
                var (send, receive) = round < world - 1
                    ? (Mod(rank - round, world), Mod(rank - round - 1, world))
                    : (Mod(rank + 1 - (round - world + 1), world), Mod(rank - (round - world + 1), world));
                await Task.WhenAll(
                    SendAsync(outgoing, data.AsMemory(send * segment, segment), chunkBytes),
                    ReceiveAsync(incoming, data.AsMemory(receive * segment, segment), chunkBytes));
            }

            times[i] = clock.Elapsed.TotalSeconds;
        }

        return times;
    }

    private static int Mod(int value, int n) => ((value % n) + n) % n;

    private static async Task SendAsync(Socket socket, Memory<byte> segment, int chunk)
    {
        for (var sent = 0; sent < segment.Length;)
        {
            sent += await socket.SendAsync(segment.Slice(sent, Math.Min(chunk, segment.Length - sent)));
        }
    }

    private static async Task ReceiveAsync(Socket socket, Memory<byte> segment, int chunk)
    {
        for (var received = 0; received < segment.Length;)
        {
            var n = await socket.ReceiveAsync(segment.Slice(received, Math.Min(chunk, segment.Length - received)));
            received += n > 0 ? n : throw new IOException("peer closed the connection");
        }
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint, deadline.Token);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
                await Task.Delay(20, deadline.Token);
            }
        }
    }
}
