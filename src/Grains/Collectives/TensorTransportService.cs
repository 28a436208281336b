using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Collectives;

/// <summary>Settings of the direct tensor transport.</summary>
public sealed class TensorTransportOptions
{
    /// <summary>TCP port for direct rank-to-rank tensor traffic; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// A memory file system where ranks on this machine make the rings of their shared-memory links;
    /// <c>/dev/shm</c> by default. Links stay sockets where it does not exist.
    /// </summary>
    public string SharedMemoryDirectory { get; set; } = "/dev/shm";
}

/// <summary>
/// The silo's listener for direct rank-to-rank tensor traffic. A rank connects to its next rank's
/// silo, names the connection with a key (job, rank, generation) in a short handshake, and from then
/// on the socket carries raw gradient bytes. Addresses are exchanged through the grains.
/// </summary>
public sealed class TensorTransportService(ILocalSiloDetails silo, Microsoft.Extensions.Options.IOptions<TensorTransportOptions> options, ILogger<TensorTransportService> logger) : IDisposable
{
    /// <summary>Kernel buffer per direction: room for several chunks, so a rank that is adding does not stall its sender.</summary>
    internal const int SocketBufferBytes = 8 << 20;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<Socket>> expected = new();
    private readonly Lock startLock = new();
    private TcpListener? listener;

    /// <summary>HOST:PORT where this silo accepts tensor connections; starts the listener on first use.</summary>
    public string Endpoint
    {
        get
        {
            lock (startLock)
            {
                if (listener is null)
                {
                    listener = new TcpListener(silo.SiloAddress.Endpoint.Address, options.Value.Port);

                    // Set before listening so accepted sockets negotiate a window this large.
                    listener.Server.ReceiveBufferSize = SocketBufferBytes;
                    listener.Start();
                    _ = AcceptLoopAsync(listener);
                }

                var bound = (IPEndPoint)listener.LocalEndpoint;
                return $"{bound.Address}:{bound.Port}";
            }
        }
    }

    /// <summary>Where this silo's ranks make shared-memory rings; null when the directory is not there.</summary>
    public string? SharedMemoryDirectory => Directory.Exists(options.Value.SharedMemoryDirectory) ? options.Value.SharedMemoryDirectory : null;

    /// <summary>The connection the previous rank will open under <paramref name="key"/>.</summary>
    public Task<Socket> Expect(string key) => Slot(key).Task;

    public void Dispose() => listener?.Stop();

    /// <summary>Opens the outgoing link to the next rank and names it.</summary>
    public static async Task<Socket> ConnectAsync(string endpoint, string key, CancellationToken cancel)
    {
        var colon = endpoint.LastIndexOf(':');
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = SocketBufferBytes };
        await socket.ConnectAsync(IPAddress.Parse(endpoint[..colon]), int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancel);
        var name = Encoding.UTF8.GetBytes(key);
        await socket.SendAsync(BitConverter.GetBytes(name.Length).Concat(name).ToArray(), cancel);
        return socket;
    }

    private async Task AcceptLoopAsync(TcpListener server)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await server.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandshakeAsync(socket);
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        try
        {
            socket.NoDelay = true;
            var length = new byte[4];
            await ReadExactlyAsync(socket, length);
            var size = BitConverter.ToInt32(length);
            if (size is <= 0 or > 1024)
            {
                throw new InvalidDataException($"bad handshake length {size}");
            }

            var name = new byte[size];
            await ReadExactlyAsync(socket, name);
            Slot(Encoding.UTF8.GetString(name)).TrySetResult(socket);
        }
        catch (Exception e)
        {
            logger.LogWarning("Tensor connection from {Remote} refused: {Reason}", socket.RemoteEndPoint, e.Message);
            socket.Dispose();
        }
    }

    private TaskCompletionSource<Socket> Slot(string key) =>
        expected.GetOrAdd(key, _ => new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously));

    internal void Forget(string key) => expected.TryRemove(key, out _);

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read));
            read += n > 0 ? n : throw new IOException("connection closed during handshake");
        }
    }
}
