using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>What the cpu and gpu overlays change: the device, the image, and where the silos may run.</summary>
public sealed class KustomizeDeviceTests
{
    private const string Gpu = "nvidia.com/gpu";

    [Fact]
    public void The_gpu_overlay_gives_each_silo_one_GPU_on_a_GPU_node_and_trains_on_it()
    {
        var rendered = RenderedOverlay.Of("gpu");
        var pod = rendered.SiloPod.Spec;

        Assert.Equal(1, rendered.SiloContainer.Resources.Limits[Gpu].ToInt32());
        Assert.Equal("true", pod.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Contains(pod.Tolerations, t => t.Key == Gpu && t.Effect == "NoSchedule" && (t.OperatorProperty == "Exists" || t.Value is not null));
        Assert.Equal("cuda:0", rendered.Env("PLATFORM_DEVICE"));
        Assert.EndsWith(":cuda", rendered.SiloContainer.Image, StringComparison.Ordinal);
        Assert.Single(rendered.Pods, p => Requests(p.Pod).Any(r => r.ContainsKey(Gpu)));
    }

    [Fact]
    public void The_cpu_overlay_asks_for_no_GPU_anywhere_and_trains_on_the_CPU()
    {
        var rendered = RenderedOverlay.Of("cpu");

        Assert.All(rendered.Pods, p =>
        {
            Assert.DoesNotContain(Requests(p.Pod), r => r.ContainsKey(Gpu));
            Assert.True(p.Pod.Spec.NodeSelector is null || !p.Pod.Spec.NodeSelector.Keys.Any(k => k.StartsWith("nvidia.com/", StringComparison.Ordinal)), p.Name);
        });
        Assert.Equal("cpu", rendered.Env("PLATFORM_DEVICE"));
        Assert.EndsWith(":cpu", rendered.SiloContainer.Image, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void Every_container_requests_cpu_and_memory_and_is_held_to_a_memory_limit(string overlay)
    {
        Assert.All(RenderedOverlay.Of(overlay).Pods.SelectMany(p => p.Pod.Spec.Containers), c =>
        {
            Assert.True(c.Resources.Requests["cpu"].ToDecimal() > 0, c.Name);
            Assert.True(c.Resources.Requests["memory"].ToDecimal() > 0, c.Name);
            Assert.True(c.Resources.Limits["memory"].ToDecimal() >= c.Resources.Requests["memory"].ToDecimal(), c.Name);
        });
    }

    /// <summary>Each container's requests and limits.</summary>
    private static IEnumerable<IDictionary<string, ResourceQuantity>> Requests(V1PodTemplateSpec pod) =>
        pod.Spec.Containers.SelectMany(c => new[] { c.Resources?.Requests, c.Resources?.Limits }).OfType<IDictionary<string, ResourceQuantity>>();
}
