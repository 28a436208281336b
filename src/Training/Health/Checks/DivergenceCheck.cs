using Platform.Spec;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>diverging</c>: the step's loss is back above <c>diverge_factor</c> times the run's first loss,
/// where a run that learns never returns. It is the first sign of a learning rate too large for
/// the model (the warm-up reaching it), steps before the gradient norm explodes or the loss turns
/// NaN, while the weights can still be saved; the first loss is kept through checkpoints.
/// </summary>
internal sealed class DivergenceCheck(LossRule rule)
{
    /// <summary>The loss of the run's first step; null before it.</summary>
    public float? First { get; set; }

    public void Check(float loss, List<Finding> fired)
    {
        if (!float.IsFinite(loss))
        {
            return;
        }

        if (First is not { } first)
        {
            First = loss;
            return;
        }

        var limit = rule.DivergeFactor * first;
        if (first > 0 && loss > limit)
        {
            fired.Add(new Finding(HealthRuleNames.Diverging, [], loss, limit));
        }
    }
}
