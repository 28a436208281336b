using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>update_ratio</c>: the previous step's update norm over weight norm outside
/// [<c>min</c>, <c>max</c>] for some weight tensor; the finding names the one farthest off.
/// </summary>
internal sealed class UpdateRatioCheck(UpdateRatioRule rule, TelemetryLayout layout, int[] weights)
{
    /// <summary>The last applied step's update and weight norms; null after a skipped step or a rollback.</summary>
    public (float[] Update, float[] Weight)? Previous { get; set; }

    public void Check(List<Finding> fired)
    {
        if (Previous is not var (update, weight))
        {
            return;
        }

        var outside = weights.Where(w => weight[w] > 0 && (update[w] / weight[w] is var ratio) && (ratio < rule.Min || ratio > rule.Max)).ToList();
        if (outside.Count > 0)
        {
            var worst = outside.Select(w => update[w] / weight[w]).OrderBy(r => Math.Abs(Math.Log10(Math.Max(r, 1e-30)))).Last();
            fired.Add(new Finding(HealthRuleNames.UpdateRatio, [.. outside.Select(w => layout.Layers[w])], worst, worst > rule.Max ? rule.Max : rule.Min));
        }
    }
}
