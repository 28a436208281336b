using System.Globalization;
using System.Text;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Client.Output;

/// <summary>
/// The text <c>platform watch</c> draws: the job's line, then one row per parameter tensor with its
/// latest gradient norm, gradient/weight and update/weight ratios, largest gradient, non-finite
/// values over the shown window, and a trend of the gradient norm (log scale, oldest left), then the
/// activation modules' saturated and dead fractions.
/// </summary>
internal static class WatchView
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static string Render(string jobId, JobProgress progress, TelemetrySeries series)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{jobId}  {progress.State.Label()}  {ProgressBar.Format(progress)}"));
        if (series.Rows == 0)
        {
            text.AppendLine("no telemetry yet");
            return text.ToString();
        }

        var last = series.Rows - 1;
        text.AppendLine(Invariant($"step {series.Steps[last]}  loss {series.Loss[last]:0.0000}  lr {series.LearningRate[last]:0.####e0}  global grad norm {series.GlobalGradNorm[last]:0.###e0}"));
        var width = Math.Max(12, series.Layers.Max(l => l.Length));
        text.AppendLine(Invariant($"{"layer".PadRight(width)}  {"grad norm",10}  {"grad/w",9}  {"update/w",9}  {"max |g|",9}  {"non-finite",10}  trend"));
        for (var l = 0; l < series.Layers.Length; l++)
        {
            var (grad, weight) = (series.At(series.GradNorm, last, l), series.At(series.WeightNorm, last, l));
            var update = series.At(series.UpdateNorm, last, l);
            var nonFinite = Enumerable.Range(0, series.Rows).Sum(r => series.NonFinite[(r * series.Layers.Length) + l]);
            var trend = Trend(Enumerable.Range(0, series.Rows).Select(r => series.At(series.GradNorm, r, l)));
            text.AppendLine(Invariant($"{series.Layers[l].PadRight(width)}  {Number(grad),10}  {Number(Ratio(grad, weight)),9}  {Number(Ratio(update, weight)),9}  {Number(series.At(series.GradMaxAbs, last, l)),9}  {nonFinite,10}  {trend}"));
        }

        if (series.Activations.Length > 0)
        {
            text.AppendLine(Invariant($"{"activation".PadRight(width)}  {"saturated",10}  {"dead",9}"));
            for (var a = 0; a < series.Activations.Length; a++)
            {
                text.AppendLine(Invariant($"{series.Activations[a].PadRight(width)}  {series.ActivationAt(series.Saturated, last, a),10:P1}  {series.ActivationAt(series.Dead, last, a),9:P1}"));
            }
        }

        return text.ToString();
    }

    /// <summary>A sparkline of log10 values scaled to their own range; non-finite values show as '!'.</summary>
    public static string Trend(IEnumerable<float> values)
    {
        var logs = values.Select(v => v > 0 && float.IsFinite(v) ? Math.Log10(v) : double.NaN).ToList();
        var finite = logs.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new string('!', logs.Count);
        }

        var (min, max) = (finite.Min(), finite.Max());
        return string.Concat(logs.Select(v => double.IsFinite(v)
            ? Bars[max - min < 1e-12 ? Bars.Length / 2 : (int)Math.Round((v - min) / (max - min) * (Bars.Length - 1))]
            : '!'));
    }

    private static float Ratio(float a, float b) => b > 0 ? a / b : float.NaN;

    private static string Number(float v) => float.IsFinite(v) ? v.ToString("0.00e0", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
