using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Client.Tests.Observability;

/// <summary>
/// The metric names a PromQL expression reads, and the expressions of the shipped dashboards and
/// alert rules: what the name check compares against a real scrape.
/// </summary>
internal static partial class PromQlNames
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "by", "on", "without", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan",
    };

    /// <summary>Series that Prometheus makes itself rather than scrapes.</summary>
    public static bool MadeByPrometheus(string name) => name is "up" || name.StartsWith("scrape_", StringComparison.Ordinal);

    public static IReadOnlySet<string> In(string expr)
    {
        var text = Strings().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifiers().Matches(text)
            .Where(m => !m.Groups["call"].Success && !Words.Contains(m.Groups["name"].Value.ToLowerInvariant()))
            .Select(m => m.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Every <c>expr</c> of a Grafana dashboard (panels, targets, annotations).</summary>
    public static IEnumerable<(string Where, string Expr)> FromDashboard(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file))!;
        return Walk(root, Path.GetFileName(file));
    }

    /// <summary>Every <c>expr:</c> of a Prometheus rules file (block scalars included).</summary>
    public static IEnumerable<(string Where, string Expr)> FromRules(string file)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(file)));
        foreach (var group in ((YamlDotNet.RepresentationModel.YamlSequenceNode)yaml.Documents[0].RootNode["groups"]).Children)
        {
            foreach (var rule in ((YamlDotNet.RepresentationModel.YamlSequenceNode)group["rules"]).Children)
            {
                yield return ($"{Path.GetFileName(file)} {rule["alert"]}", rule["expr"].ToString());
            }
        }
    }

    /// <summary>The sample names in a Prometheus text scrape, with histogram and summary families under their own names too.</summary>
    public static IReadOnlySet<string> Scraped(string scrape)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                names.Add(line.Split(' ')[2]);
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                names.Add(line[..line.IndexOfAny(['{', ' '])]);
            }
        }

        return names;
    }

    /// <summary>The names used in <paramref name="expressions"/> that a scrape does not have.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<(string Where, string Expr)> expressions, IReadOnlySet<string> scraped) =>
        [.. expressions.SelectMany(e => In(e.Expr).Where(n => !MadeByPrometheus(n) && !scraped.Contains(n)).Select(n => $"{e.Where}: {n}")).Distinct()];

    private static IEnumerable<(string Where, string Expr)> Walk(JsonNode node, string where)
    {
        switch (node)
        {
            case JsonObject o:
                var here = o["title"] is JsonValue t && t.TryGetValue<string>(out var title) ? $"{where} / {title}" : where;
                if (o["expr"] is JsonValue e && e.TryGetValue<string>(out var expr))
                {
                    yield return (here, expr);
                }

                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        foreach (var found in Walk(child, here))
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a.OfType<JsonNode>())
                {
                    foreach (var found in Walk(child, where))
                    {
                        yield return found;
                    }
                }

                break;
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w$.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();
}
