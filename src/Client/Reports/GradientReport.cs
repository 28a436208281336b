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

    public static async Task<string> WriteAsync(ITrainingJobGrain job, string jobId, string file) =>
        $"report {file}: {Describe(await SaveAsync(job, $"Gradient norm per layer: {jobId}", file))}";

    /// <summary>Draws the job's telemetry history to <paramref name="file"/> under <paramref name="title"/> and returns the history.</summary>
    public static async Task<TelemetrySeries> SaveAsync(ITrainingJobGrain job, string title, string file)
    {
        var series = await job.GetTelemetryAsync(MaxPoints);
        GradientChart.Save(series, title, file);
        return series;
    }

    /// <summary>How far apart the first and last layers' gradients sit, as medians over the run.</summary>
    public static string Describe(TelemetrySeries series)
    {
        if (EndLayers(series) is not var (firstLayer, first, lastLayer, last, layers))
        {
            return $"{series.Layers.Length} tensors over {series.Rows} points";
        }

        var nonFinite = series.NonFinite.Sum();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{layers} layers over steps {series.Steps[0]}-{series.Steps[^1]}; median gradient norm {firstLayer} {first:0.0e0}, {lastLayer} {last:0.0e0} (first/last {first / last:0.0e0}); {nonFinite} non-finite gradient values");
    }

    /// <summary>The first and last weight tensors with their median gradient norms over the run, and how many weight tensors there are; null with fewer than two or no points.</summary>
    public static (string First, double FirstNorm, string Last, double LastNorm, int Layers)? EndLayers(TelemetrySeries series)
    {
        var weights = GradientChart.Weights(series);
        return weights.Count < 2 || series.Rows == 0
            ? null
            : (series.Layers[weights[0]], Median(series, weights[0]), series.Layers[weights[^1]], Median(series, weights[^1]), weights.Count);
    }

    private static double Median(TelemetrySeries series, int layer)
    {
        return Platform.Spec.Text.Median(Enumerable.Range(0, series.Rows).Select(r => (double)series.At(series.GradNorm, r, layer)).Where(double.IsFinite));
    }
}
