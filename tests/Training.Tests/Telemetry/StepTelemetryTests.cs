using Platform.Spec;
using Platform.Training.Engine;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Telemetry;

/// <summary>The session's per-layer figures against the same figures computed by torch in double precision.</summary>
public sealed class StepTelemetryTests
{
    private const double Tolerance = 1e-5;

    private static JobSpec Spec(string extra = "") => JobSpecDocument.Parse($"""
        model: {"{"}kind: mlp, depth: 3, width: 48, activation: sigmoid{"}"}
        data: {"{"}dataset: blobs, samples: 2048, test_samples: 256, classes: 4{"}"}
        optimizer: {"{"}kind: adam, lr: 0.01{"}"}
        batch_size: 64
        steps: 20
        seed: 9
        threads: 1
        {extra}
        """).Validate();

    [Fact]
    public void Per_layer_norms_match_norms_computed_from_the_gradients()
    {
        using var session = new TrainingSession(Spec(), 0, 1);
        session.RunStep();
        var before = Snapshot(session);
        var t = session.RunStep().Telemetry;

        Assert.Equal(session.Parameters.Select(p => p.Name), session.Layout.Layers);
        var global = 0.0;
        for (var i = 0; i < session.Parameters.Count; i++)
        {
            var (name, p) = session.Parameters[i];
            using var scope = NewDisposeScope();
            var g = p.grad!.to(float64);
            var gradNorm = g.norm().item<double>();
            global += gradNorm * gradNorm;
            Close(gradNorm, t.GradNorm[i], $"{name} grad norm");
            Close(before[i].to(float64).norm().item<double>(), t.WeightNorm[i], $"{name} weight norm");
            Close((p.to(float64) - before[i].to(float64)).norm().item<double>(), t.UpdateNorm[i], $"{name} update norm");
            Close(g.abs().max().item<double>(), t.GradMaxAbs[i], $"{name} max |grad|");
            Assert.Equal(g.eq(0).sum().item<long>() / (double)g.numel(), t.ZeroFraction[i], 6);
            Assert.Equal(0, t.NonFinite[i]);
        }

        Close(Math.Sqrt(global), t.GlobalGradNorm, "global grad norm");
        Assert.Equal(session.Losses[^1], t.Loss);
        Assert.True(t.StepSeconds > 0);
    }

    [Fact]
    public void Injected_nan_and_inf_are_counted_not_dropped()
    {
        var spec = Spec("""
            faults:
              - {step: 1, kind: nan, layer: layers.0.weight, count: 3}
              - {step: 1, kind: inf, layer: layers.2.bias, count: 2}
            """);
        using var session = new TrainingSession(spec, 0, 1);
        Assert.Equal(0, session.RunStep().Telemetry.TotalNonFinite);
        var t = session.RunStep().Telemetry;

        for (var i = 0; i < session.Parameters.Count; i++)
        {
            var (name, p) = session.Parameters[i];
            using var scope = NewDisposeScope();
            var g = p.grad!.to(float64);
            var expected = g.isfinite().logical_not().sum().item<long>();
            Assert.Equal(expected, t.NonFinite[i]);
            Assert.Equal(name switch { "layers.0.weight" => 3, "layers.2.bias" => 2, _ => 0 }, t.NonFinite[i]);
            var norm = g.norm().item<double>();
            if (double.IsFinite(norm))
            {
                Close(norm, t.GradNorm[i], $"{name} grad norm");
            }
            else
            {
                Assert.Equal(norm, (double)t.GradNorm[i]);
            }
        }

        Assert.True(float.IsNaN(t.GradNorm[0]), "a NaN gradient has a NaN norm");
        Assert.True(float.IsPositiveInfinity(t.GradNorm[session.Layout.Layers.ToList().IndexOf("layers.2.bias")]));
        Assert.True(double.IsNaN(t.GlobalGradNorm));
        Assert.Equal(5, t.TotalNonFinite);
    }

    [Fact]
    public void Activation_figures_are_reported_per_module()
    {
        using var session = new TrainingSession(Spec(), 0, 1);
        var t = session.RunStep().Telemetry;
        Assert.Equal(["acts.0", "acts.1", "acts.2"], session.Layout.Activations);
        Assert.Equal(3, t.Saturated.Length);
        Assert.All(t.Saturated, s => Assert.InRange(s, 0f, 1f));
        Assert.All(t.Dead, d => Assert.Equal(0f, d));
    }

    [Fact]
    public void Telemetry_and_health_off_leave_the_per_layer_figures_empty_and_the_training_the_same()
    {
        // The health rules read the same figures, so they are off on both sides.
        using var on = new TrainingSession(Spec("health: {enabled: false}"), 0, 1);
        using var off = new TrainingSession(Spec("telemetry: {enabled: false}\nhealth: {enabled: false}"), 0, 1);
        for (var i = 0; i < 5; i++)
        {
            on.RunStep();
            Assert.Empty(off.RunStep().Telemetry.GradNorm);
        }

        Assert.Equal(on.ParameterL2(), off.ParameterL2());
    }

    [Fact]
    public void A_fault_naming_an_unknown_layer_is_rejected_with_its_path()
    {
        var e = Assert.Throws<SpecException>(() => new TrainingSession(Spec("faults: [{step: 0, layer: layers.9.weight}]"), 0, 1));
        Assert.Equal("faults[0].layer", e.Path);
    }

    private static Tensor[] Snapshot(TrainingSession session) =>
        session.Parameters.Select(p => p.Param.detach().clone()).ToArray();

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Abs(expected), $"{what}: expected {expected}, got {actual}");
}
