using k8s.Models;

namespace Platform.Client.Tests.Deploy;

/// <summary>
/// Label selection as Kubernetes does it, for the selectors the manifests use (matchLabels). An
/// empty selector counts as selecting nothing here, so a check never passes by selecting everything.
/// </summary>
internal static class Selectors
{
    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && selector.All(kv => labels is not null && labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public static bool Selects(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        Assert.True(selector?.MatchExpressions is null or { Count: 0 }, "matchExpressions are not modelled by these tests");
        return Selects(selector?.MatchLabels, labels);
    }
}
