using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>One overlay of deploy/k8s, rendered by <c>kubectl kustomize</c> and loaded as typed Kubernetes objects.</summary>
internal sealed class RenderedOverlay
{
    public const string Namespace = "training-platform";

    private static readonly ConcurrentDictionary<string, Lazy<RenderedOverlay>> Rendered = new();

    private RenderedOverlay(string yaml)
    {
        Yaml = yaml;
        Objects = [.. Load(yaml).Cast<IKubernetesObject<V1ObjectMeta>>()];
    }

    public string Yaml { get; }

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    public V1Deployment Silo => Single<V1Deployment>("silo");

    public V1PodTemplateSpec SiloPod => Silo.Spec.Template;

    public V1Container SiloContainer => SiloPod.Spec.Containers.Single(c => c.Name == "silo");

    public V1StatefulSet Redis => Single<V1StatefulSet>("redis");

    /// <summary>Every pod template of the overlay's workloads.</summary>
    public IEnumerable<(string Name, V1PodTemplateSpec Pod)> Pods =>
        Objects.OfType<V1Deployment>().Select(d => (d.Name(), d.Spec.Template))
            .Concat(Objects.OfType<V1StatefulSet>().Select(s => (s.Name(), s.Spec.Template)));

    public static RenderedOverlay Of(string overlay) => Rendered.GetOrAdd(overlay, o => new Lazy<RenderedOverlay>(() => new RenderedOverlay(Render(o)))).Value;

    /// <summary>Strict: a field the typed model does not know (a misspelling, a wrong level) is an error.</summary>
    public static IList<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, MonitoringModels.TypeMap, strict: true);

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>().Single(o => o.Name() == name);

    /// <summary>A silo environment variable's literal value.</summary>
    public string Env(string name) => SiloContainer.Env.Single(e => e.Name == name).Value;

    /// <summary>The silo container's port number by name.</summary>
    public int SiloPort(string name) => SiloContainer.Ports.Single(p => p.Name == name).ContainerPort;

    /// <summary>A port given by name or number (a probe's, a Service's target), as the container's port number.</summary>
    public static int PortNumber(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, CultureInfo.InvariantCulture, out var n) ? n : container.Ports.Single(p => p.Name == port.Value).ContainerPort;

    private static string Render(string overlay)
    {
        var dir = Path.Combine(Repo.Root, "deploy", "k8s", "overlays", overlay);
        var start = new ProcessStartInfo("kubectl", ["kustomize", dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed (deploy/k8s needs kustomize v5, as in kubectl 1.27 or later): {errors.Result}");
        return output;
    }
}
