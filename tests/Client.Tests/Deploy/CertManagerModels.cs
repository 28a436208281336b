using k8s;
using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>The cert-manager resources of deploy/k8s/components/cert-manager, typed for strict loading (cert-manager.io/v1 fields the manifests set).</summary>
internal sealed class Certificate : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public CertificateSpec Spec { get; set; } = new();
}

internal sealed class CertificateSpec
{
    public bool? IsCA { get; set; }

    public string? CommonName { get; set; }

    public string SecretName { get; set; } = "";

    public string? Duration { get; set; }

    public string? RenewBefore { get; set; }

    public CertificatePrivateKey? PrivateKey { get; set; }

    public List<string>? Usages { get; set; }

    public IssuerReference IssuerRef { get; set; } = new();
}

internal sealed class CertificatePrivateKey
{
    public string? Algorithm { get; set; }

    public int? Size { get; set; }

    public string? RotationPolicy { get; set; }
}

internal sealed class IssuerReference
{
    public string Name { get; set; } = "";

    public string? Kind { get; set; }
}

internal sealed class Issuer : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public IssuerSpec Spec { get; set; } = new();
}

internal sealed class IssuerSpec
{
    public Dictionary<string, object>? SelfSigned { get; set; }

    public CaIssuer? Ca { get; set; }
}

internal sealed class CaIssuer
{
    public string SecretName { get; set; } = "";
}
