using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Silo.Hosting;

/// <summary>
/// Says why a TLS connection to a gateway fails, which Orleans reports only as a closed connection:
/// a handshake of our own with the same certificate and checks, then a short read, where a server
/// that refused our certificate after a TLS 1.3 handshake sends its alert.
/// </summary>
public static class TlsProbe
{
    private static readonly SslApplicationProtocol Orleans = new("Orleans1");

    /// <summary>The reason TLS with <paramref name="endpoint"/> fails, in words; null when the handshake succeeds or the endpoint cannot be reached at all.</summary>
    public static async Task<string?> RefusalAsync(IPEndPoint endpoint, ClusterTls tls, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }

        var serverTrusted = true;
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = endpoint.Address.ToString(),
                    ClientCertificates = [tls.Certificate],
                    ApplicationProtocols = [Orleans],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        serverTrusted = certificate is not null && tls.Trusts(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
                },
                deadline.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            return serverTrusted
                ? $"the gateway refused the handshake ({e.Message})"
                : "the gateway's certificate is not signed by --tls-ca";
        }

        // The server speaks after the client's preamble: a read that returns at once is the server's refusal.
        try
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var read = await ssl.ReadAsync(new byte[1], quiet.Token);
            return read == 0 ? "the gateway closed the connection after the handshake: it does not accept our certificate" : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return $"the gateway refused our certificate ({e.GetBaseException().Message})";
        }
    }
}
