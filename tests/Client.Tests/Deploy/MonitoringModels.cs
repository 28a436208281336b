using k8s;
using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>
/// The Prometheus Operator resources deploy/k8s uses, typed for strict loading: the fields of
/// monitoring.coreos.com/v1 that the manifests set (and cert-manager's, in CertManagerModels.cs). A manifest setting any other field fails to
/// load until it is modelled here, after the operator's API reference.
/// </summary>
internal static class MonitoringModels
{
    public static readonly Dictionary<string, Type> TypeMap = new()
    {
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
        ["cert-manager.io/v1/Certificate"] = typeof(Certificate),
        ["cert-manager.io/v1/Issuer"] = typeof(Issuer),
    };
}

internal sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ServiceMonitorSpec Spec { get; set; } = new();
}

internal sealed class ServiceMonitorSpec
{
    /// <summary>A label of the Service whose value names the scrape job; the Service's name when unset.</summary>
    public string? JobLabel { get; set; }

    public V1LabelSelector Selector { get; set; } = new();

    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

internal sealed class ServiceMonitorEndpoint
{
    public string Port { get; set; } = "";

    public string? Path { get; set; }

    public string? Interval { get; set; }

    public bool HonorLabels { get; set; }
}

internal sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public PrometheusRuleSpec Spec { get; set; } = new();
}

internal sealed class PrometheusRuleSpec
{
    public List<RuleGroup> Groups { get; set; } = [];
}

internal sealed class RuleGroup
{
    public string Name { get; set; } = "";

    public string? Interval { get; set; }

    public List<Rule> Rules { get; set; } = [];
}

internal sealed class Rule
{
    public string? Alert { get; set; }

    public string? Record { get; set; }

    public string Expr { get; set; } = "";

    public string? For { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}
