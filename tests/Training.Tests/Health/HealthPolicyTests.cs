using Platform.Spec;
using Platform.Training.Engine;
using Platform.Training.Health;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Health;

/// <summary>The health policy inside the step: what reaches the weights, and what does not.</summary>
public sealed class HealthPolicyTests
{
    private const double MaxNorm = 5;

    private static JobSpec Spec(string health, string faults) => JobSpecDocument.Parse($"""
        model: {"{"}kind: mlp, depth: 3, width: 64, activation: relu, init: he{"}"}
        data: {"{"}dataset: blobs, samples: 4096, test_samples: 512, classes: 4{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 64
        steps: 120
        seed: 5
        threads: 1
        health: {health}
        faults: {faults}
        """).Validate();

    [Fact]
    public void No_update_from_a_non_finite_or_over_cap_gradient_reaches_the_weights()
    {
        var faults = "[{step: 40, kind: scale, factor: 1000000}, {step: 60, kind: nan, count: 5}, {step: 61, kind: inf, layer: layers.1.weight}, {step: 90, kind: scale, factor: 300}]";
        var spec = Spec($"{{exploding: {{max_norm: {MaxNorm}}}, policy: {{nonfinite: [skip]}}}}", faults);
        using var session = new TrainingSession(spec, 0, 1);
        var skipped = new List<int>();
        while (!session.Finished)
        {
            var before = Weights(session);
            var step = session.Step;
            var t = session.RunStep().Telemetry;

            Assert.True(double.IsFinite(t.AppliedGradNorm), $"step {step}: applied norm {t.AppliedGradNorm}");
            Assert.True(t.AppliedGradNorm <= MaxNorm * (1 + 1e-5), $"step {step}: applied norm {t.AppliedGradNorm} over the cap {MaxNorm} (raw {t.GlobalGradNorm})");
            if (t.TotalNonFinite > 0)
            {
                skipped.Add(step);
                Assert.True(t.Skipped);
                Assert.Equal(before, Weights(session));
            }
        }

        Assert.Equal([60, 61], skipped);
        Assert.True(double.IsFinite(session.ParameterL2()));
        Assert.True(session.Evaluate().Accuracy > 0.9);
    }

    [Fact]
    public void A_clip_for_an_exploding_norm_is_in_the_audit_even_within_the_cool_down_of_a_clip_for_a_spike()
    {
        // Small spikes (z-score clips) just before a huge one: the huge one's clip is another rule's episode.
        var faults = "[{step: 70, kind: scale, factor: 20}, {step: 72, kind: scale, factor: 1000000}]";
        var spec = Spec($"{{exploding: {{max_norm: 1000, z_threshold: 2.5}}, remedies: {{clip_mode: zscore, cooldown: 50}}}}", faults);
        using var session = new TrainingSession(spec, 0, 1);
        var records = new List<HealthRecord>();
        while (!session.Finished)
        {
            records.AddRange(session.RunStep().Health.Records);
        }

        var clips = records.Where(r => r.Name == "clip").Select(r => r.Step).ToList();
        Assert.Contains(70, clips);
        Assert.Contains(72, clips);
    }

    [Fact]
    public void With_health_off_a_spike_diverges_and_the_step_says_so()
    {
        var spec = Spec("{enabled: false}", "[{step: 30, kind: scale, factor: 1e30}]");
        using var session = new TrainingSession(spec, 0, 1);
        var e = Assert.Throws<TrainingDivergedException>(() =>
        {
            while (!session.Finished)
            {
                session.RunStep();
            }
        });
        Assert.Contains("health checks are off", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_mode_records_findings_without_acting()
    {
        var spec = Spec($"{{mode: observe, exploding: {{max_norm: {MaxNorm}}}}}", "[{step: 40, kind: scale, factor: 1000}]");
        using var session = new TrainingSession(spec, 0, 1);
        var findings = new List<string>();
        var remedies = 0;
        while (session.Step <= 40)
        {
            var r = session.RunStep();
            findings.AddRange(r.Health.Findings);
            remedies += r.Health.Remedies.Count;
        }

        Assert.Contains("exploding", findings);
        Assert.Equal(0, remedies);
    }

    [Fact]
    public void A_nan_without_a_checkpoint_to_roll_back_to_skips_the_batch()
    {
        var spec = Spec("{}", "[{step: 10, kind: nan}]");
        using var session = new TrainingSession(spec, 0, 1);
        while (session.Step < 10)
        {
            session.RunStep();
        }

        var result = session.RunStep();
        Assert.True(result.Health.Rollback);
        Assert.Equal(10, session.Step);
        session.RollBack(checkpoint: null);
        Assert.Equal(11, session.Step);
        while (!session.Finished)
        {
            Assert.False(session.RunStep().Health.Rollback);
        }

        Assert.True(double.IsFinite(session.ParameterL2()));
    }

    private static float[][] Weights(TrainingSession session)
    {
        using var scope = NewDisposeScope();
        return [.. session.Parameters.Select(p => p.Param.detach().cpu().data<float>().ToArray())];
    }
}
