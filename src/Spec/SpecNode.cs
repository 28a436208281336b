using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Platform.Spec;

/// <summary>
/// A YAML mapping read field by field. Every getter records the key it read, so that
/// <see cref="RejectUnknownKeys"/> can name any key that no field claimed.
/// </summary>
internal sealed class SpecNode
{
    private readonly YamlMappingNode map;
    private readonly string path;
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public SpecNode(YamlMappingNode map, string path)
    {
        this.map = map;
        this.path = path;
    }

    public SpecNode Section(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => new SpecNode(new YamlMappingNode(), PathOf(key)),
            YamlScalarNode s when IsNull(s) => new SpecNode(new YamlMappingNode(), PathOf(key)),
            YamlMappingNode m => new SpecNode(m, PathOf(key)),
            _ => throw new SpecException(PathOf(key), "must be a mapping of settings"),
        };
    }

    /// <summary>The items of a list of mappings, each read with a path such as <c>faults[0]</c>.</summary>
    public IReadOnlyList<SpecNode> Sequence(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => [],
            YamlScalarNode s when IsNull(s) => [],
            YamlSequenceNode seq => seq.Children.Select((item, i) => item is YamlMappingNode m
                ? new SpecNode(m, $"{PathOf(key)}[{i}]")
                : throw new SpecException($"{PathOf(key)}[{i}]", "must be a mapping of settings")).ToList(),
            _ => throw new SpecException(PathOf(key), "must be a list"),
        };
    }

    /// <summary>A list of words such as <c>[clip, skip]</c>, each one of <paramref name="allowed"/>.</summary>
    public IReadOnlyList<string> Words(string key, IReadOnlyList<string> fallback, params string[] allowed)
    {
        var node = Find(key);
        var items = node switch
        {
            null => fallback,
            YamlScalarNode s when IsNull(s) => [],
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => seq.Children.Select((item, i) => item is YamlScalarNode v
                ? v.Value ?? ""
                : throw new SpecException($"{PathOf(key)}[{i}]", "must be a single word")).ToList(),
            _ => throw new SpecException(PathOf(key), "must be a list of words"),
        };
        for (var i = 0; i < items.Count; i++)
        {
            if (!allowed.Contains(items[i]))
            {
                throw new SpecException($"{PathOf(key)}[{i}]", $"unknown value '{items[i]}' (expected one of: {string.Join(", ", allowed)})");
            }
        }

        return items;
    }

    /// <summary>A mapping of names to single values such as <c>{width: 128, blocks: 3}</c>, every value read as text.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = Find(key);
        switch (node)
        {
            case null:
            case YamlScalarNode s when IsNull(s):
                return new Dictionary<string, string>(StringComparer.Ordinal);
            case YamlMappingNode m:
                var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in m.Children)
                {
                    var name = ((YamlScalarNode)entry.Key).Value ?? "";
                    values[name] = entry.Value is YamlScalarNode v
                        ? v.Value ?? ""
                        : throw new SpecException($"{PathOf(key)}.{name}", "must be a single value, not a list or mapping");
                }

                return values;
            default:
                throw new SpecException(PathOf(key), "must be a mapping of names to values");
        }
    }

    /// <summary>A list of integers such as <c>[28, 28]</c>, each within [<paramref name="min"/>, <paramref name="max"/>]; null when unset.</summary>
    public IReadOnlyList<int>? OptionalInts(string key, int count, int min, int max)
    {
        var node = Find(key);
        if (node is null || (node is YamlScalarNode s && IsNull(s)))
        {
            return null;
        }

        if (node is not YamlSequenceNode seq || seq.Children.Count != count)
        {
            throw new SpecException(PathOf(key), $"must be a list of {count} integers");
        }

        return seq.Children.Select((item, i) =>
        {
            var text = (item as YamlScalarNode)?.Value;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : throw new SpecException($"{PathOf(key)}[{i}]", $"must be an integer between {min} and {max} (got '{text}')");
        }).ToList();
    }

    /// <summary>Whether the mapping sets <paramref name="key"/> to a value.</summary>
    public bool Has(string key) => Find(key) is { } node && !(node is YamlScalarNode s && IsNull(s));

    /// <summary>Refuses <paramref name="key"/>, naming it and <paramref name="reason"/>, when it is set where it does not apply.</summary>
    public void RefuseUnless(string key, bool applies, string reason)
    {
        if (!applies && Has(key))
        {
            throw new SpecException(PathOf(key), reason);
        }
    }

    /// <summary>A choice among an enum's members, spelled as <see cref="Platform.Spec.Choice.Name"/> does.</summary>
    public T Choice<T>(string key, T fallback)
        where T : struct, Enum
    {
        var value = Choice(key, Spec.Choice.Name(fallback), Spec.Choice.Names<T>());
        return Spec.Choice.Parse<T>(value, PathOf(key));
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        var value = Scalar(key)?.ToLowerInvariant() ?? fallback;
        if (!allowed.Contains(value))
        {
            throw new SpecException(PathOf(key), $"unknown value '{value}' (expected one of: {string.Join(", ", allowed)})");
        }

        return value;
    }

    public string? OptionalString(string key) => Scalar(key);

    public string String(string key, string fallback)
    {
        var value = Scalar(key) ?? fallback;
        return value.Length == 0 ? throw new SpecException(PathOf(key), "must not be empty") : value;
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        OptionalInt(key, min, max) ?? fallback;

    public int? OptionalInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new SpecException(PathOf(key), $"must be an integer (got '{text}')");
        }

        return value < min || value > max ? throw new SpecException(PathOf(key), RangeText(min, max, text)) : value;
    }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new SpecException(PathOf(key), $"must be a number (got '{text}')");
        }

        if (value < min || value > max || (exclusiveMin && value == min))
        {
            var low = exclusiveMin ? $"> {Format(min)}" : $">= {Format(min)}";
            var bound = double.IsPositiveInfinity(max) ? $"must be {low}" : $"must be {low} and <= {Format(max)}";
            throw new SpecException(PathOf(key), $"{bound} (got {text})");
        }

        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = Scalar(key);
        return text?.ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new SpecException(PathOf(key), $"must be true or false (got '{text}')"),
        };
    }

    /// <summary>Fails on the first key that no getter asked for: a typo must not be silently ignored.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var entry in map.Children)
        {
            var key = ((YamlScalarNode)entry.Key).Value ?? "";
            if (!known.Contains(key))
            {
                var expected = known.Count == 0 ? "this section takes no settings" : $"expected one of: {string.Join(", ", known.Order())}";
                throw new SpecException(PathOf(key), $"unknown key ({expected})");
            }
        }
    }

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    private string? Scalar(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => null,
            YamlScalarNode s when IsNull(s) => null,
            YamlScalarNode s => s.Value,
            _ => throw new SpecException(PathOf(key), "must be a single value, not a list or mapping"),
        };
    }

    private YamlNode? Find(string key)
    {
        known.Add(key);
        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode k && k.Value == key)
            {
                return entry.Value;
            }
        }

        return null;
    }

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == YamlDotNet.Core.ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private static string RangeText(int min, int max, string got) => (min, max) switch
    {
        (int.MinValue, _) => $"must be <= {max} (got {got})",
        (_, int.MaxValue) => $"must be >= {min} (got {got})",
        _ => $"must be between {min} and {max} (got {got})",
    };

    private static string Format(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
