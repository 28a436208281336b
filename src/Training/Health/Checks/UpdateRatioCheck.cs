using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>update_ratio</c>: the previous step's update norm over weight norm outside
/// [<c>min</c>, <c>max</c>] for some weight tensor; the finding names the one farthest off. The
/// minimum scales with the learning rate the schedule gave that step over the optimizer's
/// <paramref name="peakLr"/>: a step the schedule made small (the warm-up's first, a cosine
/// decay's last) is not an update too small for its weights, and below 1% of the peak the minimum
/// is not checked at all: there float32 rounds many weights' whole update away.
/// </summary>
internal sealed class UpdateRatioCheck(UpdateRatioRule rule, TelemetryLayout layout, int[] weights, double peakLr)
{
    /// <summary>The last applied step's update and weight norms; null after a skipped step or a rollback.</summary>
    public (float[] Update, float[] Weight)? Previous { get; set; }

    /// <summary>The share of the peak learning rate below which the minimum is not checked.</summary>
    private const double TailFraction = 0.01;

    /// <summary>The learning rate the schedule gave the last applied step.</summary>
    public double PreviousLr { get; set; }

    public void Check(List<Finding> fired)
    {
        if (Previous is not var (update, weight))
        {
            return;
        }

        var fraction = peakLr > 0 ? Math.Clamp(PreviousLr / peakLr, 0, 1) : 1;
        var min = fraction >= TailFraction ? rule.Min * fraction : 0;
        var outside = weights.Where(w => weight[w] > 0 && (update[w] / weight[w] is var ratio) && (ratio < min || ratio > rule.Max)).ToList();
        if (outside.Count > 0)
        {
            var worst = outside.Select(w => update[w] / weight[w]).OrderBy(r => Math.Abs(Math.Log10(Math.Max(r, 1e-30)))).Last();
            fired.Add(new Finding(HealthRuleNames.UpdateRatio, [.. outside.Select(w => layout.Layers[w])], worst, worst > rule.Max ? rule.Max : min));
        }
    }
}
