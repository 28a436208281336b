using System.Text.RegularExpressions;
using Platform.Spec;

namespace Platform.Client.Tests.Observability;

/// <summary>The alert rules and dashboards name rules and remedies as the platform spells them.</summary>
public sealed partial class HealthLabelTests
{
    private static readonly HashSet<string> Remedies =
        [.. HealthSpec.Actions, RemedyNames.LrUp, RemedyNames.Recovery, RemedyNames.Drain, RemedyNames.Rescale, RemedyNames.Recovered];

    [Fact]
    public void Every_rule_and_action_label_in_the_rules_and_dashboards_is_one_the_platform_records()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Root, "observability"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));
        var seen = 0;
        foreach (var file in files)
        {
            foreach (Match m in Label().Matches(File.ReadAllText(file)))
            {
                var known = m.Groups[1].Value == "rule" ? HealthSpec.Rules.ToHashSet() : Remedies;
                foreach (var name in m.Groups[2].Value.Split('|'))
                {
                    seen++;
                    Assert.True(known.Contains(name), $"{Path.GetFileName(file)}: {m.Groups[1].Value} \"{name}\" is not a name the platform records");
                }
            }
        }

        Assert.True(seen >= 3, $"only {seen} labels found");
    }

    [GeneratedRegex("""\b(rule|action)=~?\\?"([a-z_|]+)""")]
    private static partial Regex Label();
}
