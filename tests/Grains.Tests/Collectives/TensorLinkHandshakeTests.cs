using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Grains.Collectives;

namespace Platform.Grains.Tests.Collectives;

/// <summary>The tensor listener's handshake: only the rank that holds the generation's secret gets its link, whatever reaches the port first.</summary>
public sealed class TensorLinkHandshakeTests : IDisposable
{
    private const string Key = "job-a/1/3";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private readonly byte[] secret = Convert.FromHexString(LinkHandshake.NewSecret());
    private readonly TensorTransportService service = new(
        new LoopbackSilo(), Options.Create(new TensorTransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(1) }), NullLogger<TensorTransportService>.Instance);

    public void Dispose() => service.Dispose();

    [Fact]
    public async Task The_rank_with_the_secret_gets_its_link_and_bytes_flow()
    {
        var incoming = service.Expect(Key, secret);
        using var outgoing = await LinkHandshake.ConnectAsync(service.Endpoint, Key, secret, Within, CancellationToken.None);
        using var accepted = await incoming.WaitAsync(Within);

        await outgoing.SendAsync("gradients"u8.ToArray());
        Assert.Equal("gradients", Encoding.UTF8.GetString(await LinkHandshake.ReadAsync(accepted, 9, CancellationToken.None)));
    }

    [Fact]
    public async Task A_forged_link_that_comes_first_is_refused_and_the_real_one_still_gets_in()
    {
        var incoming = service.Expect(Key, secret);

        // Right name, wrong secret: the listener answers (the link is expected) but the proof fails.
        var forged = await Assert.ThrowsAsync<InvalidDataException>(() => LinkHandshake.ConnectAsync(service.Endpoint, Key, Convert.FromHexString(LinkHandshake.NewSecret()), Within, CancellationToken.None));
        Assert.Contains("did not prove the job's link secret", forged.Message, StringComparison.Ordinal);

        // Right name, and it skips checking the listener and just sends a made-up proof.
        using (var raw = await Raw(Key))
        {
            var answer = await LinkHandshake.ReadAsync(raw, LinkHandshake.NonceBytes + LinkHandshake.MacBytes, CancellationToken.None);
            await raw.SendAsync(new byte[LinkHandshake.MacBytes]);
            Assert.True(await ClosedAsync(raw));
            Assert.Equal(64, answer.Length);
        }

        Assert.False(incoming.IsCompleted);
        using var outgoing = await LinkHandshake.ConnectAsync(service.Endpoint, Key, secret, Within, CancellationToken.None);
        using var accepted = await incoming.WaitAsync(Within);
        Assert.True(accepted.Connected);
    }

    [Fact]
    public async Task A_replayed_proof_does_not_open_a_link()
    {
        var incoming = service.Expect(Key, secret);

        // An eavesdropper saw a whole handshake: the connector's proof covers that handshake's listener nonce only.
        using var first = await Raw(Key, out var nonce);
        var answer = await LinkHandshake.ReadAsync(first, LinkHandshake.NonceBytes + LinkHandshake.MacBytes, CancellationToken.None);
        var seenProof = LinkHandshake.Proof(secret, "connector", Key, answer[..LinkHandshake.NonceBytes], nonce);
        first.Dispose();

        using var replay = await Raw(Key, nonce);
        await LinkHandshake.ReadAsync(replay, LinkHandshake.NonceBytes + LinkHandshake.MacBytes, CancellationToken.None);
        await replay.SendAsync(seenProof);

        Assert.True(await ClosedAsync(replay));
        Assert.False(incoming.IsCompleted);
    }

    [Fact]
    public async Task An_unknown_name_is_closed_at_once_and_leaves_no_state()
    {
        _ = service.Expect(Key, secret);

        using var stranger = await Raw("job-a/1/4");

        Assert.True(await ClosedAsync(stranger).WaitAsync(Within));
        Assert.Equal(1, service.Expecting);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(new byte[] { 9, 0, 0, 0, (byte)'j', (byte)'o' })]
    public async Task A_half_open_or_garbage_handshake_is_closed_by_the_deadline(byte[] sent)
    {
        var incoming = service.Expect(Key, secret);
        using var socket = await Connect();
        await socket.SendAsync(sent);

        // Closed within the 1 s deadline (or at once for a length past the limit), without a link.
        Assert.True(await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(incoming.IsCompleted);
    }

    /// <summary>Whether the listener closed the connection: an end of stream, or a reset when it closed with our bytes unread.</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[1]) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private async Task<Socket> Connect()
    {
        var endpoint = IPEndPoint.Parse(service.Endpoint);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        return socket;
    }

    private Task<Socket> Raw(string key) => Raw(key, new byte[LinkHandshake.NonceBytes]);

    private Task<Socket> Raw(string key, out byte[] nonce)
    {
        nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(LinkHandshake.NonceBytes);
        return Raw(key, nonce);
    }

    /// <summary>A connection that names <paramref name="key"/> and sends <paramref name="nonce"/>, as a connecting rank's first message.</summary>
    private async Task<Socket> Raw(string key, byte[] nonce)
    {
        var socket = await Connect();
        var name = Encoding.UTF8.GetBytes(key);
        await socket.SendAsync((byte[])[.. BitConverter.GetBytes(name.Length), .. name, .. nonce]);
        return socket;
    }

    /// <summary>The one thing the listener reads of its silo: the address to bind.</summary>
    private sealed class LoopbackSilo : ILocalSiloDetails
    {
        public string Name => "test";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 0);

        public SiloAddress GatewayAddress => SiloAddress;
    }
}
