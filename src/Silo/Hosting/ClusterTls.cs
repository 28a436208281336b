using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Platform.Silo.CommandLine;

namespace Platform.Silo.Hosting;

/// <summary>
/// Mutual TLS for the cluster's Orleans connections (silo to silo, client to gateway), from three
/// PEM files: this party's certificate and private key, and the certificate of the cluster's CA.
/// Every party presents its certificate and admits a peer only when the peer's certificate chains
/// to that CA (the CA is the only root trusted, the system's roots are not); peers are addressed by
/// IP, so the certificate's names are not checked against the address.
/// </summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection authorities;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities, TlsPaths paths)
    {
        Certificate = certificate;
        this.authorities = authorities;
        Paths = paths;
    }

    /// <summary>This party's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The files it was read from.</summary>
    public TlsPaths Paths { get; }

    /// <summary>The options' three files, or null when none is given; some but not all of them is refused.</summary>
    public static ClusterTls? From(ArgReader args, bool processEnvironment = false)
    {
        string? Value(string option) => args.Value(option) ?? (processEnvironment ? Environment.GetEnvironmentVariable(ArgReader.VariableFor(option)) : null);
        string Source(string option) => args.Value(option) is not null || !processEnvironment ? args.Source(option) : ArgReader.VariableFor(option);

        var given = TlsPaths.Options.Select(o => (Option: o, Value: Value(o))).ToList();
        if (given.All(g => g.Value is null))
        {
            return null;
        }

        if (given.FirstOrDefault(g => string.IsNullOrWhiteSpace(g.Value)) is { Option: { } missing })
        {
            throw new UsageException($"{Source(missing)} is missing: TLS needs --tls-cert, --tls-key and --tls-ca together");
        }

        foreach (var (option, file) in given)
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"{Source(option)}: file not found: {file}");
            }
        }

        return Load(new TlsPaths(given[0].Value!, given[1].Value!, given[2].Value!), Source);
    }

    /// <summary>Sets Orleans' TLS options: this certificate, the peer's required, and checked against the CA.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => Trusts(certificate);
        options.HandshakeTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the cluster's CA (and to nothing else), and is valid today.</summary>
    public bool Trusts(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static ClusterTls Load(TlsPaths paths, Func<string, string> source)
    {
        X509Certificate2 certificate;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(paths.Cert, paths.Key);

            // A certificate made from PEM holds its key in memory only; TLS on Linux takes one from a PKCS#12 blob.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"{source("tls-cert")} / {source("tls-key")}: not a PEM certificate and its private key ({e.Message})");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(paths.Ca);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"{source("tls-ca")}: not a PEM certificate ({e.Message})");
        }

        if (authorities.Count == 0)
        {
            throw new UsageException($"{source("tls-ca")}: not a PEM certificate (no CERTIFICATE block in {paths.Ca})");
        }

        var tls = new ClusterTls(certificate, authorities, paths);
        return tls.Trusts(certificate)
            ? tls
            : throw new UsageException($"{source("tls-cert")}: the certificate is not signed by {source("tls-ca")} (or has expired): the cluster's parties would refuse it");
    }
}

/// <summary>The PEM files of <see cref="ClusterTls"/>, as <c>--tls-cert</c>, <c>--tls-key</c> and <c>--tls-ca</c> name them.</summary>
public sealed record TlsPaths(string Cert, string Key, string Ca)
{
    public static readonly string[] Options = ["tls-cert", "tls-key", "tls-ca"];
}
