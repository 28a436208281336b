using Platform.Spec;
using Platform.Tests.Shared;
using Platform.Training.Engine;
using Platform.Training.Health;
using Platform.Training.Tests.Models.UserCode;

namespace Platform.Training.Tests.Engine;

/// <summary>Per-layer telemetry and the health rules on models the platform did not build.</summary>
public sealed class UserModelTelemetryTests
{
    private static JobSpec Spec(string model, string data, int steps = 40) => JobSpecDocument.Parse($"""
        model: {model}
        data: {data}
        optimizer: {"{"}kind: sgd, lr: 0.1, momentum: 0.9{"}"}
        batch_size: 64
        steps: {steps}
        seed: 1
        threads: 1
        """).Validate();

    [Fact]
    public void A_user_model_reports_its_parameters_under_their_own_names_and_the_activation_modules_it_calls()
    {
        var spec = Spec("{kind: assembly, path: MyModels.dll, type: MyCompany.Models.ResidualNet, options: {width: 4}}", "{dataset: fashion-mnist, limit: 640}", steps: 2);
        using var session = new TrainingSession(spec, 0, 1, UserModels.Code(UserModels.ExampleBytes));

        var step = session.RunStep();

        Assert.Equal(session.Parameters.Select(p => p.Name), session.Layout.Layers);
        Assert.Contains("blocks.0.conv1.weight", session.Layout.Layers);
        // Activation modules the model calls through call() are seen; functional calls would not be.
        Assert.Equal(["blocks.0.act1", "blocks.0.act2", "hiddenAct", "stemAct"], session.Layout.Activations.Order());
        Assert.Equal(session.Layout.Layers.Count, step.Telemetry.GradNorm.Length);
        Assert.All(step.Telemetry.GradNorm, g => Assert.True(double.IsFinite(g) && g > 0));
    }

    [Fact]
    public void The_vanishing_rule_names_the_first_layers_of_a_user_deep_sigmoid_net_and_the_remedy_applies()
    {
        var bytes = ModelAssemblies.Compile("Deep", """
            using static TorchSharp.torch;
            namespace Deep;
            public sealed class Sigmoids : nn.Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers = new();
                private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> acts = new();
                public Sigmoids(long[] shape, long outputs) : base("deep")
                {
                    var width = shape[0];
                    for (var i = 0; i < 12; i++) { layers.Add(nn.Linear(width, 32)); acts.Add(nn.Sigmoid()); width = 32; }
                    layers.Add(nn.Linear(32, outputs));
                    RegisterComponents();
                }
                public override Tensor forward(Tensor x)
                {
                    for (var i = 0; i < acts.Count; i++) x = acts[i].call(layers[i].call(x));
                    return layers[acts.Count].call(x);
                }
            }
            """);
        var spec = Spec("{kind: assembly, path: Deep.dll, type: Deep.Sigmoids}", "{dataset: blobs, samples: 2048}");
        using var session = new TrainingSession(spec, 0, 1, UserModels.Code(bytes, "Deep.dll"));

        var records = new List<HealthRecord>();
        while (!session.Finished)
        {
            records.AddRange(session.RunStep().Health.Records);
        }

        var vanishing = records.First(r => r.Name == "vanishing");
        Assert.Contains("layers.0.weight", vanishing.Layers);
        // The remedy finds the linear layers inside the user's own module list.
        var reinit = Assert.Single(records, r => r.Name == "reinit" && r.Kind == HealthRecordKind.Remedy);
        Assert.True(reinit.Step >= vanishing.Step, $"reinit at step {reinit.Step}, vanishing found at {vanishing.Step}");
        Assert.Equal(12, session.Layout.Activations.Count);
    }
}
