using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Bench.Tls;

/// <summary>A throwaway CA with one silo and one client certificate, as PEM files, for the TLS benchmark.</summary>
internal static class BenchCertificates
{
    /// <summary>Writes ca.pem, silo.pem/.key and client.pem/.key into <paramref name="dir"/>.</summary>
    public static void Make(string dir)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=platform bench CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
        Leaf(dir, "silo", ca, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
        Leaf(dir, "client", ca, ["1.3.6.1.5.5.7.3.2"]);
    }

    /// <summary>The <c>--tls-*</c> options of <paramref name="name"/> (silo or client).</summary>
    public static string[] Options(string dir, string name) =>
        ["--tls-cert", Path.Combine(dir, $"{name}.pem"), "--tls-key", Path.Combine(dir, $"{name}.key"), "--tls-ca", Path.Combine(dir, "ca.pem")];

    /// <summary>A certificate for <paramref name="usages"/> (extended key usage OIDs), signed by <paramref name="ca"/>, which holds its key.</summary>
    private static void Leaf(string dir, string name, X509Certificate2 ca, string[] usages)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages.Select(u => new Oid(u))], false));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(dir, $"{name}.pem"), leaf.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, $"{name}.key"), key.ExportPkcs8PrivateKeyPem());
    }
}
