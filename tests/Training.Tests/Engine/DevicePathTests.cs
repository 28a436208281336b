using Platform.Spec;
using Platform.Tests.Shared;
using Platform.Training.Engine;
using Platform.Training.Telemetry;

namespace Platform.Training.Tests.Engine;

/// <summary>
/// The path a GPU takes (tensor operations on the device, statistics copied to the host as one
/// vector, gradients staged through one host buffer), forced on the CPU with
/// <c>engine.host_fast_path: false</c>, against the host-optimised path on the shown examples, 1 and
/// 2 ranks: the same parameters and the same findings and remedies.
/// </summary>
public sealed class DevicePathTests
{
    private const string Spikes = "faults=[{step: 40, kind: scale, factor: 100000}, {step: 70, kind: nan, layer: layers.0.weight, count: 3}, {step: 90, kind: scale, factor: 100000, rank: 0}]";

    /// <summary>Each example, its length, an override, and whether the health rules fire in it (the clean ones compare telemetry and parameters alone).</summary>
    public static TheoryData<string, int, string, bool> Examples => new()
    {
        { "fashion-mlp.yaml", 150, "seed=1", false },
        { "exploding.yaml", 120, Spikes, true },
        { "deep-sigmoid.yaml", 40, "seed=1", true },
        { "deep-relu-residual.yaml", 40, "seed=1", false },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void One_rank_on_the_device_path_ends_with_the_host_paths_parameters_findings_and_remedies(string example, int steps, string set, bool fires)
    {
        var host = TrainOne(Example(example, steps, set, hostFast: true));
        var device = TrainOne(Example(example, steps, set, hostFast: false));

        Assert.Equal(fires, device.Records.Count > 0);
        Assert.Equal(host.Records, device.Records);
        Assert.Equal(host.Losses, device.Losses);
        AssertSameTelemetry(host.Telemetry, device.Telemetry);
        var worst = host.Parameters.Zip(device.Parameters, Relative).Max();
        Assert.True(worst <= 1e-6, $"parameters differ by {worst:E2} (relative, worst tensor)");
    }

    [Theory]
    [InlineData("fashion-mlp.yaml", 100, "seed=1")]
    [InlineData("exploding.yaml", 100, Spikes)]
    public void Two_ranks_on_the_device_path_end_with_the_host_paths_parameters_findings_and_remedies(string example, int steps, string set)
    {
        var (host, _) = TwoRanks.Train(Example(example, steps, set, hostFast: true, "workers=2"));
        var (device, deviceRank1) = TwoRanks.Train(Example(example, steps, set, hostFast: false, "workers=2"));

        Assert.Equal(Records(host.Steps), Records(device.Steps));
        Assert.Equal(device.ParameterL2, deviceRank1.ParameterL2);
        Assert.True(Math.Abs(host.ParameterL2 - device.ParameterL2) <= 1e-6 * host.ParameterL2, $"parameter L2 {host.ParameterL2} against {device.ParameterL2}");
    }

    [Fact]
    public void On_the_cpu_the_host_path_is_the_default_and_the_device_path_is_asked_for()
    {
        using var fast = new TrainingSession(Example("fashion-mlp.yaml", 1, "seed=1", hostFast: true), 0, 1);
        using var forced = new TrainingSession(Example("fashion-mlp.yaml", 1, "seed=1", hostFast: false), 0, 1);

        Assert.True(fast.HostFast);
        Assert.False(forced.HostFast);
        Assert.Equal(TorchSharp.DeviceType.CPU, forced.Device.type);
    }

    private static JobSpec Example(string file, int steps, string set, bool hostFast, params string[] more)
    {
        var document = JobSpecDocument.Load(RepoRoot.Path("examples", file)).Remove("epochs").Set($"steps={steps}").Set("threads=1").Set(set);
        foreach (var assignment in more)
        {
            document.Set(assignment);
        }

        return document.Set($"engine.host_fast_path={(hostFast ? "true" : "false")}").Validate();
    }

    [Fact]
    public void A_checkpoint_of_the_device_path_resumes_on_the_host_path_as_the_uninterrupted_run()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("device-checkpoint-").FullName, "mid.ckpt");
        var uninterrupted = TrainOne(Example("exploding.yaml", 80, Spikes, hostFast: true));
        using (var device = new TrainingSession(Example("exploding.yaml", 80, Spikes, hostFast: false), 0, 1))
        {
            while (device.Step < 50)
            {
                device.RunStep();
            }

            device.SaveCheckpoint(file);
        }

        var resumed = TrainOne(Example("exploding.yaml", 80, Spikes, hostFast: true), file);

        Assert.Equal(uninterrupted.Losses, resumed.Losses);
        Assert.Equal(0, uninterrupted.Parameters.Zip(resumed.Parameters, Relative).Max());
    }

    /// <summary>Per-layer figures of every step: activation fractions exactly, norms to float rounding (the sums run in another order).</summary>
    private static void AssertSameTelemetry(List<StepTelemetry> host, List<StepTelemetry> device)
    {
        Assert.Equal(host.Count, device.Count);
        foreach (var (h, d) in host.Zip(device))
        {
            Assert.Equal(h.Saturated, d.Saturated);
            Assert.Equal(h.Dead, d.Dead);
            Assert.Equal(h.NonFinite, d.NonFinite);
            Assert.Equal(h.ZeroFraction, d.ZeroFraction);
            Assert.Equal(h.GradMaxAbs, d.GradMaxAbs);
            foreach (var (a, b) in h.GradNorm.Concat(h.WeightNorm).Concat(h.UpdateNorm).Zip(d.GradNorm.Concat(d.WeightNorm).Concat(d.UpdateNorm)))
            {
                Assert.True(a == b || (float.IsNaN(a) && float.IsNaN(b)) || Math.Abs(a - b) <= 1e-5 * Math.Abs(a), $"step {h.Step}: {a} against {b}");
            }
        }
    }

    private static (List<float[]> Parameters, List<string> Records, IReadOnlyList<float> Losses, List<StepTelemetry> Telemetry) TrainOne(JobSpec spec, string? resumeFrom = null)
    {
        using var session = new TrainingSession(spec, 0, 1);
        if (resumeFrom is not null)
        {
            session.RestoreCheckpoint(resumeFrom);
        }

        var results = new List<StepResult>();
        while (!session.Finished)
        {
            var result = session.RunStep();
            results.Add(result);
            if (result.Health.Rollback)
            {
                session.RollBack(null);
            }
        }

        var parameters = session.Parameters.Select(p => p.Param.detach().contiguous().data<float>().ToArray()).ToList();
        return (parameters, Records(results), [.. session.Losses], [.. results.Select(r => r.Telemetry)]);
    }

    private static List<string> Records(IEnumerable<StepResult> steps) =>
        [.. steps.SelectMany(s => s.Health.Records).Select(r => $"{r.Step} {r.Kind} {r.Name} {string.Join(',', r.Layers)}")];

    private static double Relative(float[] a, float[] b)
    {
        var scale = Math.Max(1e-30, a.Max(Math.Abs));
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max() / scale;
    }
}
