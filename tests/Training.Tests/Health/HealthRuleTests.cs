using Platform.Spec;
using Platform.Training.Health;
using Platform.Training.Telemetry;

namespace Platform.Training.Tests.Health;

/// <summary>Each rule and each remedy of the health monitor on its own, on figures made up for it.</summary>
public sealed class HealthRuleTests
{
    private static readonly TelemetryLayout Layout = new(["layers.0.weight", "layers.0.bias", "layers.1.weight"], ["acts.0"]);

    private static HealthMonitor Monitor(string health) =>
        new(JobSpecDocument.Parse($"health: {health}").Validate().Health, Layout);

    private static StepTelemetry Step(int step, float loss = 1, double norm = 1, float[]? grads = null, float saturated = 0, float dead = 0, long nonFinite = 0) =>
        new(step + 1, loss, 0.1, norm, grads ?? [1, 1, 1], [10, 1, 10], [], [1, 1, 1], [nonFinite, 0, 0], [0, 0, 0], [saturated], [dead], 0.01, 0, 0, 64);

    [Fact]
    public void Loss_plateau_fires_when_a_window_fell_less_than_min_decrease_and_keeps_two_windows_only()
    {
        var monitor = Monitor("{loss: {window: 10, min_decrease: 0.01}, policy: {loss_plateau: []}}");
        var fired = new List<int>();
        for (var s = 0; s < 60; s++)
        {
            // Falling fast for 30 steps, then flat.
            var loss = s < 30 ? 10f - (0.3f * s) : 1f;
            if (monitor.Decide(s, Step(s, loss)).Findings.Contains(HealthRuleNames.LossPlateau))
            {
                fired.Add(s);
            }
        }

        Assert.Equal([49, 59], fired);
        Assert.Equal(20, monitor.Save().Losses.Length);
        Assert.Equal(60, monitor.Save().LossesSeen);
    }

    [Fact]
    public void Lr_down_cuts_down_to_the_floor_once_per_cooldown_and_lr_up_restores_it_notch_by_notch_after_quiet_steps()
    {
        var monitor = Monitor("{loss: {window: 5, min_decrease: 0.5}, remedies: {lr_factor: 0.5, lr_floor: 0.25, cooldown: 10, lr_recover_steps: 40}}");
        var scales = new List<(int Step, double Scale, string Remedy)>();
        for (var s = 0; s < 120; s++)
        {
            // A plateau for the first 50 steps (found every 5), then falling fast.
            var loss = s < 50 ? 1f : 1f / (float)Math.Pow(4, s - 49);
            var d = monitor.Decide(s, Step(s, loss));
            foreach (var remedy in d.Remedies)
            {
                scales.Add((s, d.LrScale, remedy));
            }
        }

        Assert.Equal([(9, 0.5, RemedyNames.LrDown), (19, 0.25, RemedyNames.LrDown)], scales.Where(x => x.Remedy == RemedyNames.LrDown));
        var ups = scales.Where(x => x.Remedy == RemedyNames.LrUp).ToList();
        // lr_recover_steps after the last cut, then one notch per recover-steps less the cool-down.
        Assert.Equal([(59, 0.5), (69, 1.0)], ups.Select(u => (u.Step, u.Scale)));
        Assert.Equal(1.0, monitor.LrScale);
    }

    [Fact]
    public void Update_ratio_names_the_tensors_whose_last_update_was_too_large_for_their_weights()
    {
        var monitor = Monitor("{update_ratio: {min: 1e-6, max: 0.5}}");
        monitor.Decide(0, Step(0));
        monitor.Applied(Step(0) with { UpdateNorm = [1, 0.1f, 20] });

        var d = monitor.Decide(1, Step(1));

        Assert.Contains(HealthRuleNames.UpdateRatio, d.Findings);
        var record = d.Records.Single(r => r.Name == HealthRuleNames.UpdateRatio);
        Assert.Equal(["layers.1.weight"], record.Layers);
        Assert.Equal(2.0, record.Value, 6);
    }

    [Fact]
    public void Percentile_clipping_clips_an_explosion_to_the_chosen_percentile_of_recent_norms()
    {
        var monitor = Monitor("{exploding: {max_norm: 50}, remedies: {clip_mode: percentile, clip_percentile: 90}}");
        for (var s = 0; s < 100; s++)
        {
            monitor.Decide(s, Step(s, norm: 1 + (s % 10)));
        }

        var d = monitor.Decide(100, Step(100, norm: 1000));

        Assert.Contains(HealthRuleNames.Exploding, d.Findings);
        Assert.Equal(10.0 / 1000, d.ClipScale, 9);
        Assert.Contains(RemedyNames.Clip, d.Remedies);
    }

    [Fact]
    public void After_max_rollbacks_a_non_finite_step_is_skipped_instead_of_rolled_back()
    {
        var monitor = Monitor("{remedies: {max_rollbacks: 2}}");
        var outcomes = new List<string>();
        for (var s = 0; s < 4; s++)
        {
            var d = monitor.Decide(s, Step(s, norm: double.NaN, nonFinite: 3));
            outcomes.Add(d.Rollback ? "rollback" : d.Skip ? "skip" : "applied");
        }

        Assert.Equal(["rollback", "rollback", "skip", "skip"], outcomes);
    }

    [Fact]
    public void Vanishing_needs_the_configured_steps_in_a_row_and_names_the_weight_tensor()
    {
        var monitor = Monitor("{vanishing: {threshold: 1e-6, ratio: 1e-3, steps: 3}, policy: {vanishing: []}}");
        var found = Enumerable.Range(0, 5).Select(s => monitor.Decide(s, Step(s, grads: [1e-5f, 1, 1]))).ToList();

        Assert.Equal([false, false, true, true, true], found.Select(d => d.Findings.Contains(HealthRuleNames.Vanishing)));
        Assert.Equal(["layers.0.weight"], found[2].Records.Single(r => r.Name == HealthRuleNames.Vanishing).Layers);
    }

    [Fact]
    public void Reinit_is_taken_once_before_reinit_within_skips_its_step_and_leaves_later_findings_to_layer_scale()
    {
        var monitor = Monitor("{vanishing: {steps: 2}, remedies: {reinit_within: 10}}");
        var decisions = Enumerable.Range(0, 8).Select(s => monitor.Decide(s, Step(s, grads: [1e-5f, 1, 1]))).ToList();

        // Found at step 1: the layers are re-initialised instead of the update, and nothing else acts on that step.
        Assert.True(decisions[1].Reinit && decisions[1].Skip && decisions[1].LayerScales is null);
        Assert.Equal(1, decisions[1].Records.Single(r => r.Name == RemedyNames.Reinit).Step);

        // The count of low steps starts again, and the layers still vanishing are scaled: reinit is not taken twice.
        Assert.DoesNotContain(HealthRuleNames.Vanishing, decisions[2].Findings);
        Assert.Contains(HealthRuleNames.Vanishing, decisions[3].Findings);
        Assert.All(decisions.Skip(2), d => Assert.False(d.Reinit || d.Skip));
        Assert.Contains(RemedyNames.LayerScale, decisions[3].Remedies);

        // The checkpoint keeps that it was taken.
        var resumed = Monitor("{vanishing: {steps: 2}, remedies: {reinit_within: 10}}");
        resumed.Restore(monitor.Save());
        Assert.False(resumed.Decide(8, Step(8, grads: [1e-5f, 1, 1])).Reinit);
    }

    [Fact]
    public void The_trust_region_is_armed_by_the_policy_and_a_shortened_step_is_a_finding_with_its_remedy()
    {
        var monitor = Monitor("{policy: {update_ratio: [update_cap]}, remedies: {max_update_ratio: 0.02}}");
        var d = monitor.Decide(0, Step(0));
        var limit = monitor.Limit(Step(0))!;
        Assert.Equal(0.02, limit.MaxRatio);

        limit.Capped[2] = 0.5f;
        monitor.Capped(0, limit, d);

        Assert.Contains(HealthRuleNames.UpdateRatio, d.Findings);
        var remedy = d.Records.Single(r => r.Name == RemedyNames.UpdateCap);
        Assert.Equal(["layers.1.weight"], remedy.Layers);
        Assert.Equal(0.5, remedy.Value, 6);
        Assert.Null(Monitor("{mode: observe, policy: {update_ratio: [update_cap]}}").Limit(Step(0)));
        Assert.Null(Monitor("{}").Limit(Step(0)));
    }

    [Fact]
    public void A_loss_back_above_its_start_arms_the_trust_region_for_the_rest_of_the_run_and_a_checkpoint_keeps_it()
    {
        var monitor = Monitor("{}");

        // A loss that falls, or rises within 1.25x of the first, finds nothing and caps nothing.
        foreach (var (step, loss) in new[] { (0, 2.5f), (1, 3.1f), (2, 1.5f) })
        {
            Assert.DoesNotContain(HealthRuleNames.Diverging, monitor.Decide(step, Step(step, loss)).Findings);
            Assert.Null(monitor.Limit(Step(step)));
        }

        var diverged = monitor.Decide(3, Step(3, 3.2f));
        Assert.Contains(HealthRuleNames.Diverging, diverged.Findings);
        var armed = diverged.Records.Single(r => r.Name == RemedyNames.UpdateCap);
        Assert.Equal(3, armed.Step);
        Assert.Equal(3.125, armed.Threshold, 5);
        Assert.Equal(0.01, monitor.Limit(Step(3))!.MaxRatio);

        // Armed once: the loss back down, the trust region still holds, and is not recorded again.
        var later = monitor.Decide(4, Step(4, 0.5f));
        Assert.DoesNotContain(RemedyNames.UpdateCap, later.Remedies);
        Assert.NotNull(monitor.Limit(Step(4)));

        var resumed = Monitor("{}");
        resumed.Restore(monitor.Save());
        Assert.NotNull(resumed.Limit(Step(5)));

        // The first loss is kept too: a run resumed before any divergence compares with its own start.
        var early = Monitor("{}");
        early.Decide(0, Step(0, 2.5f));
        var fresh = Monitor("{}");
        fresh.Restore(early.Save());
        Assert.Contains(HealthRuleNames.Diverging, fresh.Decide(1, Step(1, 3.2f)).Findings);
    }

    [Fact]
    public void Diverging_in_observe_mode_is_found_and_nothing_is_capped()
    {
        var monitor = Monitor("{mode: observe}");
        monitor.Decide(0, Step(0, 2f));

        Assert.Contains(HealthRuleNames.Diverging, monitor.Decide(1, Step(1, 5f)).Findings);
        Assert.Null(monitor.Limit(Step(1)));
    }

    [Fact]
    public void A_tensor_whose_whole_gradient_is_zero_is_found_by_name()
    {
        var d = Monitor("{}").Decide(0, Step(0) with { GradMaxAbs = [1, 0, 1] });

        Assert.Contains(HealthRuleNames.AllZero, d.Findings);
        Assert.Equal(["layers.0.bias"], d.Records.Single(r => r.Name == HealthRuleNames.AllZero).Layers);
        Assert.DoesNotContain(HealthRuleNames.AllZero, Monitor("{}").Decide(0, Step(0)).Findings);
    }

    [Fact]
    public void A_weight_tensor_the_optimizer_did_not_move_for_unchanged_steps_is_found_but_not_while_the_learning_rate_is_zero()
    {
        var monitor = Monitor("{tensors: {unchanged_steps: 3}}");
        var decisions = new List<StepDecision>();
        for (var s = 0; s < 5; s++)
        {
            decisions.Add(monitor.Decide(s, Step(s)));
            monitor.Applied(Step(s) with { UpdateNorm = [0, 0, 0.1f] });
        }

        Assert.Equal([false, false, false, true, true], decisions.Select(d => d.Findings.Contains(HealthRuleNames.Unchanged)));
        Assert.Equal(["layers.0.weight"], decisions[3].Records.Single(r => r.Name == HealthRuleNames.Unchanged).Layers);

        var idle = Monitor("{tensors: {unchanged_steps: 1}}");
        idle.Applied(Step(0) with { UpdateNorm = [0, 0, 0], LearningRate = 0 });
        Assert.DoesNotContain(HealthRuleNames.Unchanged, idle.Decide(1, Step(1)).Findings);
    }

    [Fact]
    public void Reinit_is_not_taken_after_reinit_within()
    {
        var monitor = Monitor("{vanishing: {steps: 1}, remedies: {reinit_within: 3}}");
        var d = monitor.Decide(3, Step(3, grads: [1e-5f, 1, 1]));

        Assert.Contains(HealthRuleNames.Vanishing, d.Findings);
        Assert.False(d.Reinit || d.Skip);
        Assert.Contains(RemedyNames.LayerScale, d.Remedies);
    }

    [Theory]
    [InlineData(0.95f, 0f, HealthRuleNames.Saturation)]
    [InlineData(0f, 0.95f, HealthRuleNames.DeadRelu)]
    public void Activations_past_their_fraction_are_found_on_their_module(float saturated, float dead, string rule)
    {
        var d = Monitor("{}").Decide(0, Step(0, saturated: saturated, dead: dead));

        Assert.Equal([rule], d.Findings);
        Assert.Equal(["acts.0"], d.Records.Single().Layers);
    }

    [Fact]
    public void A_spike_is_found_against_the_running_norm_statistics_after_the_warmup()
    {
        var monitor = Monitor("{exploding: {warmup: 20, z_threshold: 3}}");
        for (var s = 0; s < 30; s++)
        {
            Assert.Empty(monitor.Decide(s, Step(s, norm: 1 + (0.01 * (s % 3)))).Findings);
        }

        var d = monitor.Decide(30, Step(30, norm: 5));

        Assert.Equal([HealthRuleNames.Spike], d.Findings);
        Assert.True(d.ClipScale < 1, $"clip scale {d.ClipScale}");
    }

    [Fact]
    public void Poor_init_names_the_layers_far_behind_the_largest_gradient_in_the_first_steps_only()
    {
        var monitor = Monitor("{tensors: {init_steps: 3, init_spread: 1e4}, vanishing: {threshold: 0, ratio: 0}}");
        var found = Enumerable.Range(0, 5).Select(s => monitor.Decide(s, Step(s, grads: [1e-5f, 1, 1]))).ToList();

        Assert.Equal([true, true, true, false, false], found.Select(d => d.Findings.Contains(HealthRuleNames.PoorInit)));
        var record = found[0].Records.Single(r => r.Name == HealthRuleNames.PoorInit);
        Assert.Equal(["layers.0.weight"], record.Layers);
        Assert.Equal(1e5, record.Value, 1);

        // A spread within the limit is how layers of different sizes start.
        Assert.DoesNotContain(HealthRuleNames.PoorInit, Monitor("{}").Decide(0, Step(0, grads: [1e-3f, 1, 1])).Findings);
    }
}
