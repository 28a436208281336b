using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Platform.Silo.Telemetry;

/// <summary>
/// The one view every instrument passes through on its way to Prometheus: drops what the
/// <see cref="OrleansMetricsBridge"/> republishes and Orleans' two memory gauges in megabytes (the
/// runtime's <c>dotnet_*memory*</c> and GC metrics report memory in bytes), renames the three runtime
/// gauges whose names end in <c>.count</c> (Prometheus reserves <c>_count</c> for histograms), and gives
/// every instrument a help text.
/// </summary>
public static class MetricViews
{
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.timer.count"] = "dotnet.timers",
    };

    public static MetricStreamConfiguration? Configure(Instrument instrument)
    {
        if (OrleansMetricsBridge.Replaces(instrument) || (instrument.Meter.Name == SiloTelemetry.OrleansMeter && instrument.Unit == "MB"))
        {
            return MetricStreamConfiguration.Drop;
        }

        var name = Renamed.GetValueOrDefault(instrument.Name);
        var description = string.IsNullOrWhiteSpace(instrument.Description) ? DescriptionOf(instrument) : null;
        return name is null && description is null ? null : new MetricStreamConfiguration { Name = name, Description = description };
    }

    /// <summary>The instrument's own description, or one made from its meter and name.</summary>
    public static string DescriptionOf(Instrument instrument) =>
        string.IsNullOrWhiteSpace(instrument.Description)
            ? $"{instrument.Meter.Name} {instrument.Name}{(string.IsNullOrEmpty(instrument.Unit) ? "" : $" ({instrument.Unit})")}"
            : instrument.Description;
}
