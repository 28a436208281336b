using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
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

    /// <summary>How long a connection has to finish its link handshake before the silo closes it.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = LinkHandshake.Deadline;
}

/// <summary>
/// The silo's listener for direct rank-to-rank tensor traffic. A rank connects to its next rank's
/// silo and opens the link with <see cref="LinkHandshake"/>: it names the link (job, rank,
/// generation) and both sides prove the generation's secret, which the job's coordinator gave its
/// ranks over the grain channel; from then on the socket carries raw gradient bytes. Only links a
/// rank of this silo expects are answered (an unknown name creates no state and is closed), a
/// handshake has <see cref="TensorTransportOptions.HandshakeTimeout"/> to finish, and a link that fails its proof is
/// closed without displacing the real one. Addresses are exchanged through the grains.
/// </summary>
public sealed class TensorTransportService(ILocalSiloDetails silo, Microsoft.Extensions.Options.IOptions<TensorTransportOptions> options, ILogger<TensorTransportService> logger) : IDisposable
{
    /// <summary>Kernel buffer per direction: room for several chunks, so a rank that is adding does not stall its sender.</summary>
    internal const int SocketBufferBytes = 8 << 20;

    private readonly ConcurrentDictionary<string, Expected> expected = new();
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

    /// <summary>The connection the previous rank will open under <paramref name="key"/>, proving <paramref name="secret"/>.</summary>
    public Task<Socket> Expect(string key, byte[] secret) =>
        expected.GetOrAdd(key, _ => new Expected(secret, new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously))).Link.Task;

    public void Dispose() => listener?.Stop();

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
        using var deadline = new CancellationTokenSource(options.Value.HandshakeTimeout);
        try
        {
            socket.NoDelay = true;
            var key = await LinkHandshake.AnswerAsync(socket, k => expected.TryGetValue(k, out var waiting) && !waiting.Link.Task.IsCompleted ? waiting.Secret : null, deadline.Token);
            if (key is null)
            {
                // Not (or no longer) expected here: no state for it; a real rank that came early tries again.
                socket.Dispose();
                return;
            }

            if (!expected.TryGetValue(key, out var link) || !link.Link.TrySetResult(socket))
            {
                throw new InvalidDataException($"the link {key} is already open");
            }
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? $"no handshake within {options.Value.HandshakeTimeout.TotalSeconds:0.#} s" : e.Message;
            logger.LogWarning("Tensor connection from {Remote} refused: {Reason}", socket.RemoteEndPoint, reason);
            socket.Dispose();
        }
    }

    internal void Forget(string key) => expected.TryRemove(key, out _);

    /// <summary>How many links this silo's ranks wait for (what a connection can find here).</summary>
    internal int Expecting => expected.Count;

    /// <summary>A link a rank of this silo waits for, and the secret its peer must prove.</summary>
    private sealed record Expected(byte[] Secret, TaskCompletionSource<Socket> Link);
}
