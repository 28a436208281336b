using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// SageMaker's tensor rules that gradients show directly: <c>all_zero</c>, a tensor whose whole
/// gradient is zero (nothing it does reaches the loss: a frozen path, dead units, a detached
/// branch); <c>unchanged</c>, a weight tensor that the optimizer did not move for
/// <c>tensors.unchanged_steps</c> applied steps in a row while the learning rate was above zero;
/// SageMaker's poor weight initialisation as the first steps' gradients show it, <c>poor_init</c>:
/// in the first <c>tensors.init_steps</c> steps, the largest weight gradient norm over
/// <c>tensors.init_spread</c> times a layer's (the finding names those layers), which is how weights
/// drawn at the wrong scale for their depth and activation start: before any update could be blamed.
/// </summary>
internal sealed class TensorCheck(TensorRule rule, TelemetryLayout layout, int[] weights)
{
    private readonly int[] still = new int[layout.Layers.Count];

    /// <summary>An applied step's update norms: a weight tensor that did not move counts one more still step.</summary>
    public void Applied(StepTelemetry t)
    {
        if (t.Skipped || t.UpdateNorm.Length != still.Length || !(t.LearningRate > 0))
        {
            return;
        }

        foreach (var w in weights)
        {
            still[w] = t.UpdateNorm[w] == 0 ? still[w] + 1 : 0;
        }
    }

    public void Check(int step, StepTelemetry t, List<Finding> fired)
    {
        if (step < rule.InitSteps && t.GradNorm.Length == still.Length)
        {
            var largest = weights.Max(w => t.GradNorm[w]);
            var behind = weights.Where(w => t.GradNorm[w] * rule.InitSpread < largest).ToList();
            if (behind.Count > 0)
            {
                fired.Add(new Finding(HealthRuleNames.PoorInit, [.. behind.Select(w => layout.Layers[w])], largest / Math.Max(behind.Min(w => t.GradNorm[w]), float.Epsilon), rule.InitSpread));
            }
        }

        if (t.GradMaxAbs.Length == still.Length)
        {
            var zero = Enumerable.Range(0, still.Length).Where(i => t.GradMaxAbs[i] == 0 && t.NonFinite[i] == 0).ToList();
            if (zero.Count > 0)
            {
                fired.Add(new Finding(HealthRuleNames.AllZero, [.. zero.Select(i => layout.Layers[i])], 0, 0));
            }
        }

        var unchanged = weights.Where(w => still[w] >= rule.UnchangedSteps).ToList();
        if (unchanged.Count > 0)
        {
            fired.Add(new Finding(HealthRuleNames.Unchanged, [.. unchanged.Select(w => layout.Layers[w])], unchanged.Min(w => still[w]), rule.UnchangedSteps));
        }
    }
}
