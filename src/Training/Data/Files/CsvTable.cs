using System.Globalization;
using nietras.SeparatedValues;
using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// A CSV file with a header row, read whole: the <c>label</c> column is the target, every other column a
/// numeric feature. Labels that are not all numbers are class names, numbered in sorted order of the
/// distinct names of both splits, so train and test agree on the ids.
/// </summary>
public sealed class CsvTable
{
    // Enough names to recognise a table by, without a line longer than a screen.
    private const int NamesShown = 40;

    private CsvTable(string name, string field, string label, string[] features, float[] values, string[] labels)
    {
        (Name, Field, Label, Features, Values, Labels) = (name, field, label, features, values, labels);
    }

    public string Name { get; }

    public string Field { get; }

    /// <summary>The target column's name.</summary>
    public string Label { get; }

    public IReadOnlyList<string> Features { get; }

    /// <summary>Row-major features, <see cref="Features"/>.Count per row.</summary>
    public float[] Values { get; }

    /// <summary>Each row's label cell, as written.</summary>
    public string[] Labels { get; }

    public static CsvTable Read(string path, string label, string field)
    {
        var name = InputFile.Name(path);
        using var file = InputFile.Open(path, field);
        try
        {
            using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All }).From(file);
            var columns = reader.Header.ColNames;
            if (!reader.Header.TryIndexOf(label, out var labelAt))
            {
                throw new SpecException("data.label", $"{name} has no column '{label}' (it has: {Shown(columns)}); set data.label to the target column");
            }

            var features = columns.Where((_, i) => i != labelAt).ToArray();
            var (values, labels) = (new List<float>(), new List<string>());
            foreach (var row in reader)
            {
                for (var c = 0; c < row.ColCount; c++)
                {
                    if (c != labelAt)
                    {
                        values.Add(Number(row[c].Span, labels.Count + 1, row.LineNumberFrom, columns[c], name, field));
                    }
                }

                labels.Add(row[labelAt].ToString());
            }

            return labels.Count == 0
                ? throw new SpecException(field, $"{name} has a header but no rows")
                : new CsvTable(name, field, label, features, [.. values], [.. labels]);
        }
        catch (InvalidDataException e)
        {
            throw new SpecException(field, $"{name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Both splits as sources of features, with class ids shared between them when the labels are names.</summary>
    internal static (RawSplit Train, RawSplit? Test) Splits(CsvTable train, CsvTable? test)
    {
        if (test is not null && !test.Features.SequenceEqual(train.Features))
        {
            throw new SpecException(test.Field, $"{test.Name}'s feature columns ({Shown(test.Features)}) differ from {train.Name}'s ({Shown(train.Features)})");
        }

        var all = test is null ? train.Labels : [.. train.Labels, .. test.Labels];
        var numeric = all.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var classes = numeric ? null : all.Distinct().Order(StringComparer.Ordinal).Select((l, i) => (l, i)).ToDictionary(p => p.l, p => (double)p.i, StringComparer.Ordinal);
        return (train.Split(classes), test?.Split(classes));
    }

    private RawSplit Split(Dictionary<string, double>? classes)
    {
        var targets = Labels.Select(l => classes?[l] ?? double.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        var labels = new LabelValues($"{Name}[{Label}]", Field, targets, [Labels.Length], Integers: classes is not null);
        var inputs = tensor(Values, [Labels.Length, Features.Count]);
        return new RawSplit(Name, Field, Labels.Length, [Features.Count], labels, RawSplit.AsStored, MayHoldNonFinite: false, t => new TensorDataset(inputs, t));
    }

    private static float Number(ReadOnlySpan<char> cell, int row, int line, string column, string name, string field)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new SpecException(field, $"{name} row {row} (line {line}), column '{column}': '{cell}' is not a number; every column but data.label must be numeric");
        }

        return double.IsFinite(value)
            ? (float)value
            : throw new SpecException(field, $"{name} row {row} (line {line}), column '{column}': '{cell}' is NaN or infinite; clean or drop that row");
    }

    private static string Shown(IReadOnlyList<string> names) =>
        names.Count <= NamesShown ? string.Join(", ", names) : $"{string.Join(", ", names.Take(NamesShown))}, ... ({names.Count - NamesShown} more)";
}
