using Platform.Spec;
using Platform.Training.Health;
using Platform.Training.Telemetry;

namespace Platform.Training.Tests.Health;

/// <summary>How the update-ratio rule reads the schedule, and which tensors the trust-ratio remedy scales.</summary>
public sealed class UpdateScaleRuleTests
{
    private static readonly TelemetryLayout Layout = new(["layers.0.weight", "layers.0.bias", "layers.1.weight"], ["acts.0"]);

    private static HealthMonitor Monitor(string health, double peakLr = 0.1) =>
        new(JobSpecDocument.Parse($"health: {health}").Validate().Health, Layout, null, peakLr);

    private static StepTelemetry Step(int step, double lr = 0.1, float[]? grads = null) =>
        new(step + 1, 1, lr, 1, grads ?? [1, 1, 1], [10, 1, 10], [], [1, 1, 1], [0, 0, 0], [0, 0, 0], [0], [0], 0.01, 0, 0, 64);

    /// <summary>Whether the update-ratio rule finds the update of a step at <paramref name="lr"/> that moved layers.0.weight by <paramref name="ratio"/> of its norm.</summary>
    private static bool Flags(double lr, float ratio)
    {
        var monitor = Monitor("{update_ratio: {min: 1e-3, max: 10}}");
        monitor.Decide(0, Step(0, lr));
        monitor.Applied(Step(0, lr) with { UpdateNorm = [ratio * 10, 0.5f, 5] });
        return monitor.Decide(1, Step(1, lr)).Findings.Contains(HealthRuleNames.UpdateRatio);
    }

    [Fact]
    public void The_update_ratio_minimum_scales_with_the_learning_rate_the_schedule_gave_the_step()
    {
        // At the optimizer's learning rate the minimum is the rule's.
        Assert.True(Flags(lr: 0.1, ratio: 2e-4f));
        Assert.False(Flags(lr: 0.1, ratio: 2e-3f));

        // A tenth of it (a decay's tail): a tenth of the minimum.
        Assert.False(Flags(lr: 0.01, ratio: 2e-4f));
        Assert.True(Flags(lr: 0.01, ratio: 5e-5f));

        // Below 1% of it, float32 rounds updates away: a zero update is not a finding.
        Assert.False(Flags(lr: 0.0005, ratio: 0));
        Assert.True(Flags(lr: 0.002, ratio: 0));
    }

    [Fact]
    public void The_update_ratio_minimum_is_the_rules_own_without_a_peak_learning_rate()
    {
        var monitor = Monitor("{update_ratio: {min: 1e-3, max: 10}}", peakLr: 0);
        monitor.Decide(0, Step(0, 0.0001));
        monitor.Applied(Step(0, 0.0001) with { UpdateNorm = [2e-3f, 0.5f, 5] });

        Assert.Contains(HealthRuleNames.UpdateRatio, monitor.Decide(1, Step(1, 0.0001)).Findings);
    }

    [Fact]
    public void The_previous_steps_learning_rate_survives_a_checkpoint()
    {
        var monitor = Monitor("{update_ratio: {min: 1e-3, max: 10}}");
        monitor.Decide(0, Step(0, 0.01));
        monitor.Applied(Step(0, 0.01) with { UpdateNorm = [2e-3f, 0.5f, 5] });
        var resumed = Monitor("{update_ratio: {min: 1e-3, max: 10}}");
        resumed.Restore(monitor.Save());

        // 2e-4 of the norm at a tenth of the peak: fine there, as in the uninterrupted run.
        Assert.DoesNotContain(HealthRuleNames.UpdateRatio, resumed.Decide(1, Step(1, 0.01)).Findings);
        Assert.Equal(0.01, monitor.Save().PreviousLearningRate);
    }

    [Fact]
    public void Layer_scale_scales_a_vanishing_layers_weight_and_leaves_its_bias_alone()
    {
        // The weight's gradient vanishes while its bias's does not: the weight's trust factor (huge) must not reach the bias.
        var monitor = Monitor("{vanishing: {steps: 1}, policy: {vanishing: [layer_scale]}}");

        var d = monitor.Decide(0, Step(0, grads: [1e-7f, 1, 1]));

        Assert.Contains(RemedyNames.LayerScale, d.Remedies);
        Assert.True(d.LayerScales![0] > 1000, $"weight scaled x{d.LayerScales[0]}");
        Assert.Equal(1f, d.LayerScales[1]);
    }
}
