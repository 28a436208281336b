namespace Platform.Client.Tests.Deploy;

/// <summary>The TLS overlays: every silo starts with the cluster's certificate and CA from the Secret platform-tls, which cert-manager can issue.</summary>
public sealed class KustomizeTlsTests
{
    private const string Secret = "platform-tls";

    [Theory]
    [InlineData("cpu-tls")]
    [InlineData("cpu-cert-manager")]
    public void Silos_start_with_the_certificate_key_and_CA_of_the_secret(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var volume = rendered.SiloPod.Spec.Volumes.Single(v => v.Secret?.SecretName == Secret);
        var mount = rendered.SiloContainer.VolumeMounts.Single(m => m.Name == volume.Name);

        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal($"{mount.MountPath}/tls.crt", rendered.Env("PLATFORM_TLS_CERT"));
        Assert.Equal($"{mount.MountPath}/tls.key", rendered.Env("PLATFORM_TLS_KEY"));
        Assert.Equal($"{mount.MountPath}/ca.crt", rendered.Env("PLATFORM_TLS_CA"));

        // Readable by the silo's group only (fsGroup), not by every user of the node's pods.
        Assert.Equal(Convert.ToInt32("440", 8), volume.Secret.DefaultMode);
    }

    [Fact]
    public void Without_the_tls_component_silos_get_no_TLS_settings()
    {
        var rendered = RenderedOverlay.Of("cpu");

        Assert.DoesNotContain(rendered.SiloContainer.Env, e => e.Name.StartsWith("PLATFORM_TLS_", StringComparison.Ordinal));
    }

    [Fact]
    public void Cert_manager_issues_the_secret_for_server_and_client_authentication_from_the_clusters_CA()
    {
        var rendered = RenderedOverlay.Of("cpu-cert-manager");
        var certificate = rendered.Objects.OfType<Certificate>().Single(c => c.Spec.SecretName == Secret);

        Assert.Contains("server auth", certificate.Spec.Usages!);
        Assert.Contains("client auth", certificate.Spec.Usages!);
        var issuer = rendered.Single<Issuer>(certificate.Spec.IssuerRef.Name);
        var ca = rendered.Objects.OfType<Certificate>().Single(c => c.Spec.SecretName == issuer.Spec.Ca!.SecretName);
        Assert.True(ca.Spec.IsCA);
        Assert.NotNull(rendered.Single<Issuer>(ca.Spec.IssuerRef.Name).Spec.SelfSigned);
    }
}
