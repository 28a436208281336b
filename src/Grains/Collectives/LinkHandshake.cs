using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Grains.Collectives;

/// <summary>
/// The handshake that opens a direct tensor link, a mutual challenge-response on the secret the
/// job's coordinator gave every rank of this generation (over the grain channel): the connecting
/// rank names the link (job/rank/generation) and sends a nonce; the listening silo, only for a link
/// one of its ranks expects, answers with its own nonce and an HMAC-SHA256 over both; the connecting
/// rank checks it and answers with its HMAC. Neither side's proof can be replayed (each covers the
/// other side's fresh nonce), and a link that fails it is closed without touching the real one.
/// </summary>
internal static class LinkHandshake
{
    public const int NonceBytes = 32;
    public const int MacBytes = 32;

    /// <summary>Longest key a connecting rank may send (job id, rank, generation).</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>How long a listening silo gives a connection to finish its handshake.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>A fresh secret for one generation of a job's links, as the coordinator hands it out.</summary>
    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The proof of <paramref name="role"/> ("listener" or "connector") for link <paramref name="key"/> over the two nonces.</summary>
    internal static byte[] Proof(byte[] secret, string role, string key, byte[] first, byte[] second) =>
        HMACSHA256.HashData(secret, (byte[])[.. Encoding.UTF8.GetBytes($"platform tensor link/{role}/{key}/"), .. first, .. second]);

    /// <summary>
    /// Opens the link to <paramref name="endpoint"/> and proves it, retrying while the next rank has not
    /// yet said it expects the link (the listener closes an unexpected one), until <paramref name="within"/>.
    /// </summary>
    public static async Task<Socket> ConnectAsync(string endpoint, string key, byte[] secret, TimeSpan within, CancellationToken cancel)
    {
        var address = IPEndPoint.Parse(endpoint);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(within);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = TensorTransportService.SocketBufferBytes };
            try
            {
                await socket.ConnectAsync(address, deadline.Token);
                var name = Encoding.UTF8.GetBytes(key);
                var mine = RandomNumberGenerator.GetBytes(NonceBytes);
                await socket.SendAsync((byte[])[.. BitConverter.GetBytes(name.Length), .. name, .. mine], deadline.Token);
                var answer = await ReadAsync(socket, NonceBytes + MacBytes, deadline.Token);
                var theirs = answer[..NonceBytes];
                if (!CryptographicOperations.FixedTimeEquals(answer[NonceBytes..], Proof(secret, "listener", key, mine, theirs)))
                {
                    throw new InvalidDataException($"the silo at {endpoint} did not prove the job's link secret for {key}: not the next rank's silo");
                }

                await socket.SendAsync(Proof(secret, "connector", key, theirs, mine), deadline.Token);
                return socket;
            }
            catch (Exception e) when (e is IOException or SocketException && !deadline.IsCancellationRequested)
            {
                // Not expected there yet (or the silo is still starting its listener): try again shortly.
                socket.Dispose();
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                socket.Dispose();
                throw TimedOut(endpoint, key, within);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            try
            {
                await Task.Delay(RetryDelay, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw TimedOut(endpoint, key, within);
            }
        }
    }

    /// <summary>
    /// The listening side: reads the link's name and, when <paramref name="secretOf"/> has a secret for
    /// it, answers with a nonce and its proof and checks the connector's; returns the name of a proven
    /// link, null for a name not expected here (nothing is sent), and throws when the proof fails.
    /// </summary>
    public static async Task<string?> AnswerAsync(Socket socket, Func<string, byte[]?> secretOf, CancellationToken cancel)
    {
        var size = BitConverter.ToInt32(await ReadAsync(socket, 4, cancel));
        if (size is <= 0 or > MaxKeyBytes)
        {
            throw new InvalidDataException($"bad handshake length {size}");
        }

        var key = Encoding.UTF8.GetString(await ReadAsync(socket, size, cancel));
        if (secretOf(key) is not { } secret)
        {
            return null;
        }

        var theirs = await ReadAsync(socket, NonceBytes, cancel);
        var mine = RandomNumberGenerator.GetBytes(NonceBytes);
        await socket.SendAsync((byte[])[.. mine, .. Proof(secret, "listener", key, theirs, mine)], cancel);
        var proof = await ReadAsync(socket, MacBytes, cancel);
        return CryptographicOperations.FixedTimeEquals(proof, Proof(secret, "connector", key, mine, theirs))
            ? key
            : throw new InvalidDataException($"the link {key} did not prove the job's secret");
    }

    private static TimeoutException TimedOut(string endpoint, string key, TimeSpan within) =>
        new($"the link {key} to {endpoint} was not accepted within {within.TotalSeconds:0} s");

    /// <summary>Reads exactly <paramref name="count"/> bytes; a connection closed before them is an <see cref="IOException"/>.</summary>
    public static async Task<byte[]> ReadAsync(Socket socket, int count, CancellationToken cancel)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), cancel);
            read += n > 0 ? n : throw new IOException("connection closed during the link handshake");
        }

        return buffer;
    }
}
