using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>saturation</c>: a sigmoid/tanh module with more than the configured fraction of its outputs at
/// a bound; <c>dead_relu</c>: a ReLU module with more than the configured fraction of dead units.
/// </summary>
internal sealed class ActivationCheck(ActivationRule rule, TelemetryLayout layout)
{
    public void Check(StepTelemetry t, List<Finding> fired)
    {
        Over(t.Saturated, rule.Saturated, HealthRuleNames.Saturation, fired);
        Over(t.Dead, rule.Dead, HealthRuleNames.DeadRelu, fired);
    }

    private void Over(float[] fractions, double limit, string name, List<Finding> fired)
    {
        var over = Enumerable.Range(0, fractions.Length).Where(i => fractions[i] > limit).ToList();
        if (over.Count > 0)
        {
            fired.Add(new Finding(name, [.. over.Select(i => layout.Activations[i])], over.Max(i => fractions[i]), limit));
        }
    }
}
