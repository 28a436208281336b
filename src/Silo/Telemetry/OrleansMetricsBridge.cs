using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Platform.Silo.Telemetry;

/// <summary>
/// Republishes Orleans' histograms and counters under the same meter name in Prometheus' conventions:
/// durations in seconds instead of milliseconds and label names in snake_case (Orleans tags messages
/// with <c>ConnectionDirection</c>). The originals are dropped by <see cref="MetricViews"/>, so each
/// series appears once and <c>promtool check metrics</c> finds nothing to complain about.
/// </summary>
public sealed class OrleansMetricsBridge : IDisposable
{
    /// <summary>Marks the bridge's own meter, which shares Orleans' meter name.</summary>
    public const string Version = "prometheus-conventions";

    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly Meter meter = new(SiloTelemetry.OrleansMeter, Version);
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<Instrument, Action<double, ReadOnlySpan<KeyValuePair<string, object?>>>> targets = new();

    public OrleansMetricsBridge()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (Replaces(instrument))
            {
                targets[instrument] = Target(instrument);
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Forward(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Forward(i, v, tags));
        listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Forward(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Forward(i, v, tags));
        listener.Start();
    }

    /// <summary>Whether the bridge republishes this instrument (so the original is dropped).</summary>
    public static bool Replaces(Instrument instrument) =>
        instrument.Meter.Name == SiloTelemetry.OrleansMeter && instrument.Meter.Version != Version && instrument.GetType() is { IsGenericType: true } type &&
        type.GetGenericTypeDefinition() is var kind && (kind == typeof(Histogram<>) || kind == typeof(Counter<>));

    public void Dispose()
    {
        listener.Dispose();
        meter.Dispose();
    }

    /// <summary>Prometheus label names: <c>ConnectionDirection</c> becomes <c>connection_direction</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var wordStart = i > 0 && char.IsUpper(c) && name[i - 1] != '_' &&
                (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (wordStart)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private void Forward(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (targets.TryGetValue(instrument, out var record))
        {
            record(value, tags);
        }
    }

    private Action<double, ReadOnlySpan<KeyValuePair<string, object?>>> Target(Instrument source)
    {
        var milliseconds = source.Unit == "ms";
        var unit = milliseconds ? "s" : source.Unit;
        var scale = milliseconds ? 0.001 : 1.0;
        var description = MetricViews.DescriptionOf(source) + (milliseconds ? ", in seconds" : "");
        if (source.GetType().GetGenericTypeDefinition() == typeof(Counter<>))
        {
            var counter = meter.CreateCounter<double>(source.Name, unit, description);
            return (v, tags) => counter.Add(v * scale, SnakeCase(tags));
        }

        var advice = milliseconds ? new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets } : null;
        var histogram = meter.CreateHistogram(source.Name, unit, description, tags: null, advice);
        return (v, tags) => histogram.Record(v * scale, SnakeCase(tags));
    }

    private static TagList SnakeCase(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var list = new TagList();
        foreach (var (key, value) in tags)
        {
            list.Add(ToSnakeCase(key), value);
        }

        return list;
    }
}
