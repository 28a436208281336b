using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>vanishing</c>: a weight tensor whose gradient norm is below the threshold, or below the ratio
/// times the largest layer's, for the configured number of steps in a row.
/// </summary>
internal sealed class VanishingCheck(VanishingRule rule, TelemetryLayout layout, int[] weights)
{
    private readonly int[] lowSteps = new int[layout.Layers.Count];

    /// <summary>Consecutive low steps per tensor, for a checkpoint.</summary>
    public int[] LowSteps
    {
        get => [.. lowSteps];
        set => value.AsSpan(0, Math.Min(value.Length, lowSteps.Length)).CopyTo(lowSteps);
    }

    public void Check(StepTelemetry t, List<Finding> fired)
    {
        if (t.GradNorm.Length == 0)
        {
            return;
        }

        var largest = weights.Max(w => t.GradNorm[w]);
        var vanishing = new List<int>();
        foreach (var w in weights)
        {
            var low = t.GradNorm[w] < rule.Threshold || t.GradNorm[w] < rule.Ratio * largest;
            lowSteps[w] = low ? lowSteps[w] + 1 : 0;
            if (lowSteps[w] >= rule.Steps)
            {
                vanishing.Add(w);
            }
        }

        if (vanishing.Count > 0)
        {
            var smallest = vanishing.Min(w => t.GradNorm[w]);
            fired.Add(new Finding(HealthRuleNames.Vanishing, [.. vanishing.Select(w => layout.Layers[w])], smallest, Math.Max(rule.Threshold, rule.Ratio * largest)));
        }
    }
}
