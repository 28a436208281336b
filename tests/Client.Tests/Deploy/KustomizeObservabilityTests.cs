using System.Text.Json.Nodes;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Platform.Client.Tests.Deploy;

/// <summary>
/// The monitoring objects carry exactly what observability/ ships: the Prometheus Operator scrapes
/// the silos as the local config does, with the same alert rules, and Grafana gets the same dashboards.
/// </summary>
public sealed class KustomizeObservabilityTests
{
    private static string Observability => Path.Combine(Repo.Root, "observability");

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void The_service_monitor_scrapes_every_silo_under_the_job_name_the_rules_expect(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var monitor = Assert.Single(rendered.Objects.OfType<ServiceMonitor>());
        var service = Assert.Single(rendered.Objects.OfType<V1Service>(), s => Selectors.Selects(monitor.Spec.Selector, s.Metadata.Labels));
        Assert.True(Selectors.Selects(service.Spec.Selector, rendered.SiloPod.Metadata.Labels), $"{service.Name()} must select the silos");

        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        var port = service.Spec.Ports.Single(p => p.Name == endpoint.Port);
        Assert.Equal(rendered.SiloPort("metrics"), RenderedOverlay.PortNumber(rendered.SiloContainer, port.TargetPort));
        Assert.Equal("/metrics", endpoint.Path);
        // The platform's `job` label is the training job's id, as with honor_labels in prometheus.yml.
        Assert.True(endpoint.HonorLabels);

        var scrape = (Dictionary<object, object>)((List<object>)Yaml(Path.Combine(Observability, "prometheus", "prometheus.yml"))["scrape_configs"]).Single();
        Assert.Equal(scrape["honor_labels"], "true");
        var job = monitor.Spec.JobLabel is { } label ? service.Metadata.Labels[label] : service.Name();
        Assert.Equal(scrape["job_name"], job);
    }

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void The_prometheus_rule_carries_the_shipped_alert_rules(string overlay)
    {
        var rule = Documents(RenderedOverlay.Of(overlay).Yaml).Single(d => (string)d["kind"] == "PrometheusRule");
        var shipped = Yaml(Path.Combine(Observability, "prometheus", "rules", "training.rules.yml"));

        var rendered = Json(((Dictionary<object, object>)rule["spec"])["groups"]);
        Assert.True(JsonNode.DeepEquals(Json(shipped["groups"]), rendered), "deploy/k8s/base/observability is stale: run deploy/k8s/sync-observability\n" + rendered?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(KustomizeTests.Overlays), MemberType = typeof(KustomizeTests))]
    public void The_dashboards_config_map_carries_the_shipped_dashboards_for_the_grafana_sidecar(string overlay)
    {
        var map = RenderedOverlay.Of(overlay).Single<V1ConfigMap>("grafana-dashboards");
        var shipped = Directory.GetFiles(Path.Combine(Observability, "grafana"), "*.json").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(shipped.Keys.Order(StringComparer.Ordinal), map.Data.Keys.Order(StringComparer.Ordinal));
        Assert.All(shipped, f => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(f.Value), JsonNode.Parse(map.Data[f.Key])),
            $"{f.Key} differs from observability/grafana: run deploy/k8s/sync-observability"));
    }

    private static Dictionary<object, object> Yaml(string file) =>
        (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(file))!;

    private static List<Dictionary<object, object>> Documents(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add((Dictionary<object, object>)deserializer.Deserialize<object>(parser)!);
        }

        return documents;
    }

    /// <summary>A YAML tree (maps, lists, scalars as text) as JSON, to compare without regard to key order.</summary>
    private static JsonNode? Json(object? node) => node switch
    {
        null => null,
        Dictionary<object, object> map => new JsonObject(map.Select(kv => KeyValuePair.Create((string)kv.Key, Json(kv.Value)))),
        List<object> list => new JsonArray([.. list.Select(Json)]),
        _ => JsonValue.Create(node.ToString()),
    };
}
