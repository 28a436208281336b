using System.Globalization;
using System.Text;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Output;

/// <summary>Health audit records as a table: step, finding or remedy, rule or action, value against threshold, layers, detail.</summary>
internal static class AlertsView
{
    public static string Render(IReadOnlyCollection<AuditRecord> records, int? last = null)
    {
        var text = new StringBuilder();
        if (records.Count == 0)
        {
            return "no health findings\n";
        }

        var findings = records.Count(r => !r.IsRemedy);
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{findings} finding(s), {records.Count - findings} remedy record(s)"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"step",7}  {"",7}  {"name",-13} {"value",10} {"threshold",10}  layers / detail"));
        foreach (var r in last is { } n ? records.Skip(Math.Max(0, records.Count - n)) : records)
        {
            var layers = r.Layers.IsDefaultOrEmpty ? "" : Layers(r.Layers);
            var detail = string.Join("; ", new[] { layers, r.Detail }.Where(s => s.Length > 0));
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Step,7}  {(r.IsRemedy ? "remedy" : "finding"),-7}  {r.Kind,-13} {Number(r.Value),10} {Number(r.Threshold),10}  {detail}"));
        }

        return text.ToString();
    }

    private static string Layers(IReadOnlyList<string> layers) =>
        layers.Count <= 4 ? string.Join(", ", layers) : $"{string.Join(", ", layers.Take(3))} and {layers.Count - 3} more";

    private static string Number(double v) => double.IsNaN(v) ? "" : v.ToString("G3", CultureInfo.InvariantCulture);
}
