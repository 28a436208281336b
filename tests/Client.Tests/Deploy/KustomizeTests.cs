using System.Globalization;
using k8s.Models;
using YamlDotNet.Core;

namespace Platform.Client.Tests.Deploy;

/// <summary>
/// deploy/k8s rendered per overlay and loaded strictly as typed objects: the silos' identity,
/// environment, ports, probes, rollout and storage.
/// </summary>
public sealed class KustomizeTests
{
    // The silo's defaults (src/Silo/Hosting/SiloOptions.cs), which this project cannot reference.
    private const int SiloPort = 11111, GatewayPort = 30000, MetricsPort = 9464;

    public static TheoryData<string> Overlays() => ["cpu", "gpu", "cpu-tls", "cpu-cert-manager"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_object_is_a_known_kind_in_the_platform_namespace_with_the_common_labels(string overlay)
    {
        var objects = RenderedOverlay.Of(overlay).Objects;

        Assert.NotEmpty(objects);
        Assert.All(objects, o =>
        {
            Assert.Equal(RenderedOverlay.Namespace, o is V1Namespace ? o.Name() : o.Namespace());
            Assert.Equal("platform", o.Metadata.Labels["app.kubernetes.io/name"]);
            Assert.Equal("training-platform", o.Metadata.Labels["app.kubernetes.io/part-of"]);
        });
    }

    [Theory]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true")]
    [InlineData("honorLabels: true", "honourLabels: true")]
    public void Loading_refuses_a_misspelled_field_of_a_built_in_or_an_operator_kind(string field, string misspelled)
    {
        var yaml = RenderedOverlay.Of("cpu").Yaml;
        Assert.Contains(field, yaml, StringComparison.Ordinal);

        Assert.ThrowsAny<YamlException>(() => RenderedOverlay.Load(yaml.Replace(field, misspelled, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_pods_carry_the_Orleans_labels_that_their_environment_names(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var labels = rendered.SiloPod.Metadata.Labels;

        // The identity the platform's clients connect with unless told otherwise (--cluster-id, --service-id).
        Assert.Equal(Platform.Client.Jobs.ClusterAddress.DefaultId, labels["orleans/serviceId"]);
        Assert.Equal(Platform.Client.Jobs.ClusterAddress.DefaultId, labels["orleans/clusterId"]);
        Assert.Equal(labels["orleans/serviceId"], LabelEnv(rendered, "ORLEANS_SERVICE_ID", "orleans/serviceId"));
        Assert.Equal(labels["orleans/clusterId"], LabelEnv(rendered, "ORLEANS_CLUSTER_ID", "orleans/clusterId"));
        Assert.True(Selectors.Selects(rendered.Silo.Spec.Selector, labels), "the Deployment's selector must select its own pods");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_pods_know_their_name_namespace_and_address_from_the_downward_API(string overlay)
    {
        var env = RenderedOverlay.Of(overlay).SiloContainer.Env;

        Assert.Equal("metadata.name", env.Single(e => e.Name == "POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", env.Single(e => e.Name == "POD_IP").ValueFrom.FieldRef.FieldPath);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_cluster_and_store_in_the_shipped_Redis_and_checkpoint_to_the_shared_volume(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var redis = rendered.Single<V1Service>("redis");

        Assert.Equal("redis", rendered.Env("PLATFORM_CLUSTERING"));
        Assert.Equal("redis", rendered.Env("PLATFORM_STORAGE"));
        Assert.Equal($"{redis.Name()}:{redis.Spec.Ports.Single().Port}", rendered.Env("PLATFORM_REDIS"));
        Assert.True(Selectors.Selects(redis.Spec.Selector, rendered.Redis.Spec.Template.Metadata.Labels), "the redis Service must select the Redis pod");
        var server = rendered.Redis.Spec.Template.Spec.Containers.Single();
        Assert.Equal(server.Ports.Single().ContainerPort, RenderedOverlay.PortNumber(server, redis.Spec.Ports.Single().TargetPort));

        var claim = rendered.Single<V1PersistentVolumeClaim>("checkpoints");
        Assert.Equal(["ReadWriteMany"], claim.Spec.AccessModes);
        var volume = rendered.SiloPod.Spec.Volumes.Single(v => v.PersistentVolumeClaim?.ClaimName == claim.Name());
        Assert.Equal(rendered.Env("PLATFORM_CHECKPOINT_DIR"), rendered.SiloContainer.VolumeMounts.Single(m => m.Name == volume.Name).MountPath);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Ports_probes_and_services_agree_with_the_silo_options(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var (name, variable, port) in new[] { ("silo", "PLATFORM_SILO_PORT", SiloPort), ("gateway", "PLATFORM_GATEWAY_PORT", GatewayPort), ("metrics", "PLATFORM_METRICS_PORT", MetricsPort) })
        {
            Assert.Equal(port, rendered.SiloPort(name));
            Assert.Equal(port.ToString(CultureInfo.InvariantCulture), rendered.Env(variable));
        }

        var c = rendered.SiloContainer;
        Assert.Equal(("/healthz/ready", MetricsPort), Probe(rendered, c.ReadinessProbe));
        Assert.Equal(("/healthz/live", MetricsPort), Probe(rendered, c.LivenessProbe));
        Assert.Equal(("/healthz/live", MetricsPort), Probe(rendered, c.StartupProbe));

        Assert.Equal((GatewayPort, GatewayPort), ServicePort(rendered, "gateway"));
        Assert.Equal((MetricsPort, MetricsPort), ServicePort(rendered, "platform-silos"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void A_rollout_adds_a_silo_before_it_removes_one_and_gives_a_draining_silo_time(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var silo = rendered.Silo.Spec;

        Assert.Equal("RollingUpdate", silo.Strategy.Type);
        Assert.Equal("0", silo.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("1", silo.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.True(silo.Replicas >= 2, "one silo is no cluster to fail over to");
        Assert.True(silo.Template.Spec.TerminationGracePeriodSeconds >= 120, "a draining silo needs time to checkpoint");
        Assert.True(int.Parse(rendered.Env("DOTNET_SHUTDOWNTIMEOUTSECONDS"), CultureInfo.InvariantCulture) < silo.Template.Spec.TerminationGracePeriodSeconds,
            "the host must finish shutting down before the kubelet kills it");

        var budget = rendered.Single<V1PodDisruptionBudget>("silo");
        Assert.True(Selectors.Selects(budget.Spec.Selector, silo.Template.Metadata.Labels));
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value); // 0 would block every node drain
    }

    /// <summary>The value a pod gets for a variable meant to equal one of its labels: a literal, or that label by the downward API.</summary>
    private static string? LabelEnv(RenderedOverlay rendered, string name, string label)
    {
        var variable = rendered.SiloContainer.Env.Single(e => e.Name == name);
        if (variable.ValueFrom?.FieldRef?.FieldPath is { } path)
        {
            Assert.Equal($"metadata.labels['{label}']", path);
            return rendered.SiloPod.Metadata.Labels[label];
        }

        return variable.Value;
    }

    private static (string Path, int Port) Probe(RenderedOverlay rendered, V1Probe probe) =>
        (probe.HttpGet.Path, RenderedOverlay.PortNumber(rendered.SiloContainer, probe.HttpGet.Port));

    private static (int Port, int Target) ServicePort(RenderedOverlay rendered, string service)
    {
        var s = rendered.Single<V1Service>(service);
        Assert.True(Selectors.Selects(s.Spec.Selector, rendered.SiloPod.Metadata.Labels), $"{service} must select the silos");
        var port = s.Spec.Ports.Single();
        return (port.Port, RenderedOverlay.PortNumber(rendered.SiloContainer, port.TargetPort));
    }
}
