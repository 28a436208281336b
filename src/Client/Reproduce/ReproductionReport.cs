using System.Globalization;
using System.Text;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;
using Platform.Client.Jobs;
using Platform.Client.Reports;

namespace Platform.Client.Reproduce;

/// <summary>One row's result: the job's summary (null when it never started), its gradient history and its picture.</summary>
internal sealed record RowResult(ReproductionRow Row, JobSummary? Summary, TelemetrySeries? Series, string? Picture, string? Error);

/// <summary>The reproduction's results as a markdown table, a section per group, a picture per row.</summary>
internal static class ReproductionReport
{
    public static string Markdown(IReadOnlyList<RowResult> results, TimeSpan elapsed, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Produced by `{command}`: {results.Count} rows in {elapsed.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores.");
        foreach (var group in results.GroupBy(r => r.Row.Group))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**{group.Key}**").AppendLine();
            md.AppendLine("| Row | Test accuracy | Train loss | Steps | Findings | Remedies | Gradient first/last layer | Seconds | Picture |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var r in group)
            {
                md.AppendLine(Line(r));
            }
        }

        return md.ToString();
    }

    private static string Line(RowResult r)
    {
        var s = r.Summary;
        var accuracy = s is null ? $"not run: {r.Error}"
            : s.Status == JobState.Completed ? JobRunner.Figure(s.TestAccuracy, "0.0000")
            : $"{s.Status.Label()}{(s.Error is { } e ? $": {e}" : "")}";
        var gradient = r.Series is { } series && GradientReport.EndLayers(series) is var (_, first, _, last, layers)
            ? string.Create(CultureInfo.InvariantCulture, $"{first:0.0e0} / {last:0.0e0} ({layers} layers)")
            : "";
        var cells = new[]
        {
            r.Row.Label,
            accuracy,
            s is null ? "" : JobRunner.Figure(s.FinalTrainLoss, Math.Abs(s.FinalTrainLoss) < 1e6 ? "0.0000" : "0.00e0"),
            s?.Steps.ToString(CultureInfo.InvariantCulture) ?? "",
            s is null ? "" : Counts(s.Findings),
            s is null ? "" : Counts(s.Remedies),
            gradient,
            s is null ? "" : JobRunner.Figure(s.TrainSeconds, "0"),
            r.Picture is { } p ? $"[png]({p})" : "",
        };
        return $"| {string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))} |";
    }

    /// <summary>Audit records by kind, largest count first: "spike 4, clip 4"; each folded episode counts its repeats.</summary>
    internal static string Counts(IEnumerable<AuditRecord> records)
    {
        var counts = records.GroupBy(a => a.Kind).Select(g => (Kind: g.Key, Count: g.Sum(Occurrences))).OrderByDescending(c => c.Count).ThenBy(c => c.Kind, StringComparer.Ordinal);
        return string.Join(", ", counts.Select(c => $"{c.Kind} {c.Count}"));
    }

    /// <summary>An episode's closing record says "KIND xN more, steps A-B": N occurrences after the one recorded on its own.</summary>
    private static int Occurrences(AuditRecord a)
    {
        var marker = $"{a.Kind} x";
        if (!a.Detail.StartsWith(marker, StringComparison.Ordinal))
        {
            return 1;
        }

        var digits = new string([.. a.Detail.Skip(marker.Length).TakeWhile(char.IsAsciiDigit)]);
        return digits.Length > 0 ? int.Parse(digits, CultureInfo.InvariantCulture) : 1;
    }
}
