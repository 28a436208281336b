using System.Globalization;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;
using Platform.Silo.CommandLine;

namespace Platform.Client.Reports;

/// <summary>Fetches a job's telemetry history and draws it to a PNG, with a one-line reading of the picture.</summary>
internal static class GradientReport
{
    /// <summary>Enough points for a 1400-pixel-wide chart; the job grain coarsens longer histories.</summary>
    private const int MaxPoints = 1400;

    /// <summary>Checks an output path before any work is done: a .png file in a folder that exists.</summary>
    public static string CheckPath(string file, string option)
    {
        var full = Path.GetFullPath(file);
        if (!full.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"{option} must name a .png file (got '{file}')");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new UsageException($"{option}: folder {Path.GetDirectoryName(full)} does not exist");
        }

        return full;
    }

    public static async Task<string> WriteAsync(ITrainingJobGrain job, string jobId, string file)
    {
        var series = await job.GetTelemetryAsync(MaxPoints);
        GradientChart.Save(series, $"Gradient norm per layer: {jobId}", file);
        return $"report {file}: {Describe(series)}";
    }

    /// <summary>How far apart the first and last layers' gradients sit, as medians over the run.</summary>
    public static string Describe(TelemetrySeries series)
    {
        var weights = Enumerable.Range(0, series.Layers.Length).Where(i => series.Layers[i].EndsWith(".weight", StringComparison.Ordinal)).ToList();
        if (weights.Count < 2 || series.Rows == 0)
        {
            return $"{series.Layers.Length} tensors over {series.Rows} points";
        }

        var (first, last) = (Median(series, weights[0]), Median(series, weights[^1]));
        var nonFinite = series.NonFinite.Sum();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{weights.Count} layers over steps {series.Steps[0]}-{series.Steps[^1]}; median gradient norm {series.Layers[weights[0]]} {first:0.0e0}, {series.Layers[weights[^1]]} {last:0.0e0} (first/last {first / last:0.0e0}); {nonFinite} non-finite gradient values");
    }

    private static double Median(TelemetrySeries series, int layer)
    {
        return Platform.Spec.Text.Median(Enumerable.Range(0, series.Rows).Select(r => (double)series.At(series.GradNorm, r, layer)).Where(double.IsFinite));
    }
}
