using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;
using Platform.Tests.Shared;

namespace Platform.Silo.Tests.Hosting;

/// <summary>The <c>--tls-*</c> options: what they load, which certificates they trust, and how a mistake is named.</summary>
public sealed class ClusterTlsTests
{
    private static readonly Lazy<ClusterCertificates> Certificates = new(() => ClusterCertificates.Make(Directory.CreateTempSubdirectory("platform-tls-").FullName));

    private static ClusterCertificates Certs => Certificates.Value;

    private static ClusterTls? From(string[] args, Dictionary<string, string>? environment = null) =>
        ClusterTls.From(new ArgReader(args, new HashSet<string>(), environment ?? []));

    [Fact]
    public void The_three_files_load_and_only_the_clusters_CA_is_trusted()
    {
        var tls = From(Certs.Options("silo"))!;

        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.True(tls.Trusts(From(Certs.Options("alice"))!.Certificate));
        Assert.False(tls.Trusts(From(Certs.Foreign("mallory", Certs.OtherCa))!.Certificate));
    }

    [Fact]
    public void Without_the_options_there_is_no_TLS_and_a_pod_sets_them_through_its_environment()
    {
        Assert.Null(From([]));

        var options = Certs.Options("silo");
        var environment = new Dictionary<string, string> { ["PLATFORM_TLS_CERT"] = options[1], ["PLATFORM_TLS_KEY"] = options[3], ["PLATFORM_TLS_CA"] = options[5] };
        Assert.NotNull(From([], environment));
    }

    [Fact]
    public void Some_of_the_options_without_the_others_is_refused_naming_the_missing_one()
    {
        var e = Assert.Throws<UsageException>(() => From(["--tls-cert", Certs.Options("silo")[1], "--tls-ca", Certs.Ca]));

        Assert.Equal("--tls-key is missing: TLS needs --tls-cert, --tls-key and --tls-ca together", e.Message);
    }

    [Theory]
    [InlineData(1, "missing.pem", "--tls-cert: file not found: missing.pem")]
    [InlineData(3, "ca", "--tls-cert / --tls-key: not a PEM certificate and its private key")]
    [InlineData(5, "key", "--tls-ca: not a PEM certificate")]
    public void A_file_that_is_not_what_its_option_says_is_refused_naming_the_option(int index, string replacement, string message)
    {
        var args = Certs.Options("silo");
        args[index] = replacement switch
        {
            "ca" => Certs.Ca,
            "key" => args[3],
            _ => replacement,
        };

        var e = Assert.Throws<UsageException>(() => From(args));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_the_given_CA_did_not_sign_is_refused_before_any_connection()
    {
        var e = Assert.Throws<UsageException>(() => From(Certs.Foreign("mallory", Certs.Ca)));

        Assert.Contains("--tls-cert: the certificate is not signed by --tls-ca", e.Message, StringComparison.Ordinal);
    }
}
