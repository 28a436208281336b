using Platform.Spec;
using Platform.Training.Health;
using Platform.Training.Telemetry;

namespace Platform.Training.Tests.Health;

/// <summary>The validation rules: overtraining and overfit after <c>eval.patience</c> evaluations without a better validation loss, and early stopping.</summary>
public sealed class ValidationRuleTests
{
    private static readonly TelemetryLayout Layout = new(["layers.0.weight", "layers.0.bias"], []);

    private static HealthMonitor Monitor(string health = "{}", int patience = 3)
    {
        var spec = JobSpecDocument.Parse($"health: {health}\neval: {{interval: 10, patience: {patience}}}").Validate();
        return new HealthMonitor(spec.Health, Layout, spec.Eval);
    }

    private static StepTelemetry Step(int step, float loss, double? validation = null) =>
        new(step + 1, loss, 0.1, 1, [1, 1], [10, 1], [], [1, 1], [0, 0], [0, 0], [], [], 0.01, 0, 0, 64)
        {
            Validation = validation is { } v ? new ValidationResult(step, v, 0.5) : null,
        };

    /// <summary>Ten steps per evaluation: the training loss of each interval, then the validation loss at its end.</summary>
    private static List<StepDecision> Run(HealthMonitor monitor, float[] train, double[] validation)
    {
        var decisions = new List<StepDecision>();
        for (var e = 0; e < validation.Length; e++)
        {
            for (var s = 0; s < 10; s++)
            {
                var step = (e * 10) + s;
                decisions.Add(monitor.Decide(step, Step(step, train[e], s == 0 && e > 0 ? validation[e - 1] : null)));
            }
        }

        return decisions;
    }

    [Fact]
    public void A_validation_loss_rising_while_the_training_loss_falls_is_overfit_and_stops_the_run_after_patience()
    {
        var monitor = Monitor();
        var decisions = Run(monitor, [2.0f, 1.5f, 1.0f, 0.8f, 0.6f, 0.4f, 0.3f], [1.0, 0.8, 0.9, 0.95, 1.1, 1.2, 1.3]);

        // Best at the second evaluation (step 20); three worse ones after it reach the patience at step 50.
        var fired = decisions.Select((d, i) => (d, i)).Where(x => x.d.Findings.Contains(HealthRuleNames.Overfit)).ToList();
        Assert.Equal(50, fired[0].i);
        Assert.Contains(HealthRuleNames.Overtraining, fired[0].d.Findings);
        Assert.True(fired[0].d.EarlyStop);
        var remedy = fired[0].d.Records.Single(r => r.Name == RemedyNames.EarlyStop);
        Assert.Equal(0.8, remedy.Threshold, 6);
        Assert.Contains("weights of step 20 are kept", remedy.Detail, StringComparison.Ordinal);
        Assert.All(decisions.Take(50), d => Assert.False(d.EarlyStop));
    }

    [Fact]
    public void A_validation_loss_that_stops_improving_while_training_stalls_too_is_overtraining_only()
    {
        var monitor = Monitor();
        var decisions = Run(monitor, [1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f], [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);

        var found = decisions.SelectMany(d => d.Findings).ToList();
        Assert.Contains(HealthRuleNames.Overtraining, found);
        Assert.DoesNotContain(HealthRuleNames.Overfit, found);

        // Overtraining is recorded, not acted on, by default.
        Assert.All(decisions, d => Assert.False(d.EarlyStop));
    }

    [Fact]
    public void A_validation_loss_that_keeps_improving_finds_nothing_and_observe_mode_never_stops()
    {
        var improving = Run(Monitor(), [2, 1.5f, 1, 0.8f, 0.6f, 0.5f], [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]);
        Assert.DoesNotContain(improving.SelectMany(d => d.Findings), f => f is HealthRuleNames.Overfit or HealthRuleNames.Overtraining);

        var observed = Run(Monitor("{mode: observe}"), [2.0f, 1.5f, 1.0f, 0.8f, 0.6f, 0.4f], [1.0, 0.8, 0.9, 0.95, 1.1, 1.2]);
        Assert.Contains(observed.SelectMany(d => d.Findings), f => f == HealthRuleNames.Overfit);
        Assert.All(observed, d => Assert.False(d.EarlyStop));
    }

    [Fact]
    public void The_best_validation_survives_a_checkpoint()
    {
        var monitor = Monitor();
        Run(monitor, [2.0f, 1.5f, 1.0f, 0.8f, 0.7f], [1.0, 0.8, 0.9, 0.95, 1.0]);
        var resumed = Monitor();
        resumed.Restore(monitor.Save());

        // One more worse evaluation reaches the patience: the two before it were counted before the checkpoint.
        var d = resumed.Decide(50, Step(50, 0.6f, 1.1));
        Assert.Contains(HealthRuleNames.Overtraining, d.Findings);
        Assert.Equal(0.8, d.Records.Single(r => r.Name == HealthRuleNames.Overtraining).Threshold, 6);
    }
}
