using System.Text.RegularExpressions;
using Platform.Silo.CommandLine;
using Platform.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Client.Reproduce;

/// <summary>
/// The rows a reproduction runs, from a YAML file: <c>rows</c>, each with a <c>group</c> (the table's
/// section), a <c>row</c> (its label, unique), a <c>spec</c> (a job spec file, relative to the table
/// file) and <c>set</c> (overrides, as <c>--set</c> takes them).
/// </summary>
internal sealed record ReproductionTable(string File, IReadOnlyList<ReproductionRow> Rows)
{
    private static readonly string[] RowKeys = ["group", "row", "spec", "set"];

    public static ReproductionTable Load(string file)
    {
        var full = Path.GetFullPath(file);
        if (!System.IO.File.Exists(full))
        {
            throw new UsageException($"reproduction table not found: {file}");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(System.IO.File.ReadAllText(full)));
        }
        catch (YamlException e)
        {
            throw new UsageException($"{file}: malformed YAML at line {e.Start.Line}: {Text.FirstLine(e.Message)}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("rows"), out var rowsNode) || rowsNode is not YamlSequenceNode rows || rows.Children.Count == 0)
        {
            throw new UsageException($"{file}: needs 'rows', a list of {{group, row, spec, set}}");
        }

        var dir = Path.GetDirectoryName(full)!;
        var read = rows.Children.Select((node, i) => ReadRow(node, $"{file}: rows[{i}]", dir)).ToList();
        if (read.GroupBy(r => r.Slug).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new UsageException($"{file}: two rows named '{twice.First().Label}' (row labels must differ, they name the pictures)");
        }

        return new ReproductionTable(full, read);
    }

    private static ReproductionRow ReadRow(YamlNode node, string where, string dir)
    {
        if (node is not YamlMappingNode map)
        {
            throw new UsageException($"{where}: must be a mapping {{group, row, spec, set}}");
        }

        if (map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => !RowKeys.Contains(k.Value)) is { } unknown)
        {
            throw new UsageException($"{where}.{unknown.Value}: unknown key (expected one of: {string.Join(", ", RowKeys)})");
        }

        string Scalar(string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } text }
                ? text
                : throw new UsageException($"{where}.{key}: required, a text");

        var set = map.Children.TryGetValue(new YamlScalarNode("set"), out var s)
            ? s is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode)
                ? list.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToArray()
                : throw new UsageException($"{where}.set: must be a list of key.path=value")
            : [];
        var spec = Path.GetFullPath(Path.Combine(dir, Scalar("spec")));
        if (!System.IO.File.Exists(spec))
        {
            throw new UsageException($"{where}.spec: file not found: {spec}");
        }

        return new ReproductionRow(Scalar("group"), Scalar("row"), spec, set);
    }
}

/// <summary>One row of a reproduction: a labelled job spec with its overrides (<c>steps</c> or <c>epochs</c> replaces the other, as on the command line).</summary>
internal sealed record ReproductionRow(string Group, string Label, string Spec, IReadOnlyList<string> Set)
{
    /// <summary>The label as a file and job name: lower case letters and digits joined by dashes.</summary>
    public string Slug { get; } = Regex.Replace(Label.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');

    /// <summary>The job spec with the row's overrides applied, checkpoints under <paramref name="checkpoints"/>.</summary>
    public JobSpecDocument Document(string checkpoints)
    {
        var document = JobSpecDocument.Load(Spec);
        foreach (var assignment in Set)
        {
            // As on the command line, a run's length is epochs or steps: setting one drops the other.
            var key = assignment.Split('=')[0].Trim();
            if (key is "steps" or "epochs")
            {
                document.Remove(key == "steps" ? "epochs" : "steps");
            }

            document.Set(assignment);
        }

        return document.Set($"checkpoint.dir={Jobs.JobRequest.Quote(checkpoints)}");
    }
}
