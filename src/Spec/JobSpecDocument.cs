using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Spec;

/// <summary>
/// A job spec as YAML text plus <c>--set key.path=value</c> overrides. The merged text is what
/// crosses to the cluster, so the silo validates exactly what the client validated.
/// </summary>
public sealed class JobSpecDocument
{
    /// <summary>Spec fields that name files: made absolute by the client, and kept inside a silo's data root.</summary>
    public static readonly string[] PathFields = ["model.path", "data.dir", "data.train", "data.test", "data.train_labels", "data.test_labels"];

    private readonly YamlMappingNode root;

    private JobSpecDocument(YamlMappingNode root) => this.root = root;

    public static JobSpecDocument Load(string file)
    {
        if (!File.Exists(file))
        {
            throw new SpecException("", $"spec file not found: {file}");
        }

        return Parse(File.ReadAllText(file));
    }

    public static JobSpecDocument Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new SpecException("", $"malformed YAML at line {e.Start.Line}, column {e.Start.Column}: {Text.FirstLine(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow collections.
            throw new SpecException("", "malformed YAML: unterminated or unbalanced [ ] or { } (check brackets and quotes)");
        }

        if (stream.Documents.Count == 0)
        {
            return new JobSpecDocument(new YamlMappingNode());
        }

        return stream.Documents[0].RootNode is YamlMappingNode map
            ? new JobSpecDocument(map)
            : throw new SpecException("", "a job spec must be a YAML mapping of settings (model:, data:, optimizer:, ...)");
    }

    /// <summary>Applies one <c>key.path=value</c> override; the value is read as YAML (numbers, null, {a: 1}).</summary>
    public JobSpecDocument Set(string assignment)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new SpecException("", $"--set expects key.path=value (got '{assignment}')");
        }

        var keys = assignment[..eq].Trim().Split('.');
        if (keys.Any(k => k.Length == 0))
        {
            throw new SpecException("", $"--set has an empty key in '{assignment[..eq]}'");
        }

        var value = ParseValue(assignment[(eq + 1)..], assignment[..eq]);
        var map = root;
        for (var i = 0; i < keys.Length - 1; i++)
        {
            map = ChildMapping(map, keys[i], string.Join('.', keys[..(i + 1)]));
        }

        map.Children[new YamlScalarNode(keys[^1])] = value;
        return this;
    }

    public JobSpecDocument Set(string path, int value) => Set($"{path}={value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Removes a top-level key, e.g. <c>steps</c> when the command line asks for epochs.</summary>
    public JobSpecDocument Remove(string key)
    {
        root.Children.Remove(new YamlScalarNode(key));
        return this;
    }

    public JobSpec Validate() => JobSpec.Read(new SpecNode(root, ""));

    /// <summary>No settings at all: every field would take its default.</summary>
    public bool IsEmpty => root.Children.Count == 0;

    /// <summary>
    /// Makes every relative path among <paramref name="fields"/> (dotted, such as <c>data.train</c>)
    /// absolute against <paramref name="baseDir"/>, so that silos, whose working folders differ, read
    /// the files the user meant. Unset fields are left alone.
    /// </summary>
    public JobSpecDocument ResolvePaths(string baseDir, params string[] fields)
    {
        foreach (var (field, text, parent, key) in SetValues(fields).ToList())
        {
            parent.Children[key] = new YamlScalarNode(Path.GetFullPath(text, baseDir)) { Style = ScalarStyle.SingleQuoted };
        }

        return this;
    }

    /// <summary>The fields among <paramref name="fields"/> (dotted) that the spec sets, with their text.</summary>
    public IEnumerable<(string Field, string Value)> Values(params string[] fields) => SetValues(fields).Select(v => (v.Field, v.Text));

    private IEnumerable<(string Field, string Text, YamlMappingNode Parent, YamlScalarNode Key)> SetValues(string[] fields)
    {
        foreach (var field in fields)
        {
            var keys = field.Split('.');
            YamlNode? node = root;
            foreach (var key in keys[..^1])
            {
                node = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
            }

            var last = new YamlScalarNode(keys[^1]);
            if (node is YamlMappingNode parent && parent.Children.TryGetValue(last, out var value)
                && value is YamlScalarNode { Value: { Length: > 0 } text } scalar && !(scalar.Style == ScalarStyle.Plain && text is "~" or "null" or "Null" or "NULL"))
            {
                yield return (field, text, parent, last);
            }
        }
    }

    public string ToYaml()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode ChildMapping(YamlMappingNode map, string key, string path)
    {
        var k = new YamlScalarNode(key);
        if (map.Children.TryGetValue(k, out var existing))
        {
            return existing switch
            {
                YamlMappingNode m => m,
                YamlScalarNode s when s.Value is null or "" or "~" or "null" => Replace(map, k),
                _ => throw new SpecException(path, "is a single value; cannot set a key inside it"),
            };
        }

        return Replace(map, k);
    }

    private static YamlMappingNode Replace(YamlMappingNode map, YamlScalarNode key)
    {
        var fresh = new YamlMappingNode();
        map.Children[key] = fresh;
        return fresh;
    }

    private static YamlNode ParseValue(string text, string path)
    {
        if (text.Trim().Length == 0)
        {
            return new YamlScalarNode("null");
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader($"v: {text}"));
            return ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        catch (YamlException e)
        {
            throw new SpecException(path, $"--set value is not valid YAML: {Text.FirstLine(e.Message)}");
        }
    }

}
