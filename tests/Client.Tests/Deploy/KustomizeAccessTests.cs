using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>Who may do what: the silos' Kubernetes API rights, the pods' privileges, and the network paths into them.</summary>
public sealed class KustomizeAccessTests
{
    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void Silos_may_do_exactly_what_Orleans_Kubernetes_hosting_does_with_pods(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var account = rendered.SiloPod.Spec.ServiceAccountName;
        Assert.NotNull(rendered.Single<V1ServiceAccount>(account));
        Assert.Empty(rendered.Objects.OfType<V1ClusterRole>());

        var bindings = rendered.Objects.OfType<V1RoleBinding>()
            .Where(b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == RenderedOverlay.Namespace))
            .ToList();
        Assert.All(bindings, b => Assert.Equal("Role", b.RoleRef.Kind));
        var rules = bindings.SelectMany(b => rendered.Single<V1Role>(b.RoleRef.Name).Rules).ToList();

        // Orleans' KubernetesClusterAgent reads its own pod, patches the cluster labels onto it, and
        // lists and watches the cluster's pods; it deletes pods only with DeleteDefunctSiloPods (off).
        var rule = Assert.Single(rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["get", "list", "patch", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
        Assert.Null(rule.ResourceNames);
    }

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void Every_pod_runs_unprivileged_on_a_read_only_root_filesystem(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        Assert.Equal("restricted", rendered.Single<V1Namespace>(RenderedOverlay.Namespace).Metadata.Labels["pod-security.kubernetes.io/enforce"]);

        Assert.All(rendered.Pods, p =>
        {
            var security = p.Pod.Spec.SecurityContext;
            Assert.True(security.RunAsNonRoot, p.Name);
            Assert.NotEqual(0, security.RunAsUser);
            Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
            Assert.All(p.Pod.Spec.Containers, c =>
            {
                Assert.False(c.SecurityContext.AllowPrivilegeEscalation, c.Name);
                Assert.True(c.SecurityContext.ReadOnlyRootFilesystem, c.Name);
                Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
                Assert.Null(c.SecurityContext.Capabilities.Add);
            });
        });

        // The .NET runtime and TorchSharp write temporary files.
        var tmp = rendered.SiloContainer.VolumeMounts.Single(m => m.MountPath == "/tmp");
        Assert.NotNull(rendered.SiloPod.Spec.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
    }

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void Only_silos_clients_and_Prometheus_reach_the_silos_and_only_silos_reach_Redis(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var silo = rendered.SiloPod.Metadata.Labels;
        var prometheus = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" };
        var monitoring = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "monitoring" };
        var policies = rendered.Objects.OfType<V1NetworkPolicy>().ToList();
        V1NetworkPolicy For(V1PodTemplateSpec pod) =>
            Assert.Single(policies, p => Selectors.Selects(p.Spec.PodSelector, pod.Metadata.Labels) && p.Spec.PolicyTypes.Contains("Ingress"));
        bool FromSilos(V1NetworkPolicyPeer peer) => peer.NamespaceSelector is null && peer.IpBlock is null && Selectors.Selects(peer.PodSelector, silo);
        static int[] Ports(V1NetworkPolicyIngressRule rule) => rule.Ports?.Select(p => p.Port.ToInt()).ToArray() ?? [];

        // Silo peers meet on the silo port and on the direct tensor transport's free port: any port.
        var rules = For(rendered.SiloPod).Spec.Ingress;
        Assert.Contains(rules, r => r.FromProperty is [var peer] && FromSilos(peer) && r.Ports is null);
        Assert.Contains(rules, r => r.FromProperty is null && Ports(r).SequenceEqual([rendered.SiloPort("gateway")]));
        Assert.Contains(rules, r => r.FromProperty is [var peer] && Selectors.Selects(peer.PodSelector, prometheus) && Selectors.Selects(peer.NamespaceSelector, monitoring)
            && Ports(r).SequenceEqual([rendered.SiloPort("metrics")]));
        Assert.Equal(3, rules.Count);

        var redis = Assert.Single(For(rendered.Redis.Spec.Template).Spec.Ingress);
        Assert.True(redis.FromProperty is [var fromSilo] && FromSilos(fromSilo), "only silos may reach Redis");
        Assert.Equal([rendered.Redis.Spec.Template.Spec.Containers.Single().Ports.Single().ContainerPort], Ports(redis));
    }
}
