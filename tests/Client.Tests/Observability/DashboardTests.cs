using System.Text.Json.Nodes;

namespace Platform.Client.Tests.Observability;

/// <summary>The Grafana dashboards' shape: importable as they are, with the data source as a variable.</summary>
public sealed class DashboardTests
{
    public static TheoryData<string> Dashboards() => [.. Directory.GetFiles(Path.Combine(Repo.Root, "observability", "grafana"), "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_a_datasource_variable_that_every_panel_and_query_uses(string file)
    {
        var d = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "observability", "grafana", file)))!;

        Assert.False(string.IsNullOrEmpty(d["uid"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(d["title"]?.GetValue<string>()));
        Assert.True(d["schemaVersion"]!.GetValue<int>() >= 36, "Grafana 10 writes schemaVersion 36 or later");
        Assert.Contains(d["templating"]!["list"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "datasource" && v["type"]!.GetValue<string>() == "datasource");
        var panels = d["panels"]!.AsArray().Select(p => p!).ToList();
        Assert.NotEmpty(panels);
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        foreach (var panel in panels)
        {
            var title = panel["title"]!.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(panel["description"]?.GetValue<string>()), $"{file} / {title}: no description");
            Assert.Equal("${datasource}", panel["datasource"]!["uid"]!.GetValue<string>());
            Assert.NotNull(panel["gridPos"]);
            var targets = panel["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t!["expr"]?.GetValue<string>()), $"{file} / {title}: a query without expr"));
        }
    }
}
