using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Bench.Allreduce;

/// <summary>
/// The raw baseline: one rank of a ring over plain loopback TCP, moving exactly the bytes a ring
/// allreduce moves (2(n-1) rounds of S/n bytes to the next rank while receiving as much from the
/// previous), in the same chunk size, with no serialization and no arithmetic.
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
        var sendBuffer = new byte[chunkBytes];
        var receiveBuffer = new byte[chunkBytes];
        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            for (var round = 0; round < 2 * (world - 1); round++)
            {
                await Task.WhenAll(SendAsync(outgoing, sendBuffer, segment), ReceiveAsync(incoming, receiveBuffer, segment));
            }

            times[i] = clock.Elapsed.TotalSeconds;
        }

        return times;
    }

    private static async Task SendAsync(Socket socket, byte[] buffer, int total)
    {
        for (var sent = 0; sent < total;)
        {
            sent += await socket.SendAsync(buffer.AsMemory(0, Math.Min(buffer.Length, total - sent)));
        }
    }

    private static async Task ReceiveAsync(Socket socket, byte[] buffer, int total)
    {
        for (var received = 0; received < total;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, total - received)));
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
