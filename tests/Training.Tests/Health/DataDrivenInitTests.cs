using Platform.Spec;
using Platform.Training.Health;
using Platform.Training.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Health;

/// <summary>The <c>reinit</c> remedy's re-initialisation on its own: what each layer's units look like on the samples afterwards.</summary>
public sealed class DataDrivenInitTests
{
    [Fact]
    public void Every_hidden_unit_of_a_deep_sigmoid_mlp_is_centred_at_unit_variance_and_the_output_layer_is_kept()
    {
        using var model = Build("{kind: mlp, depth: 6, width: 32, activation: sigmoid, init: default}", [1, 28, 28]);
        using var inputs = Samples([256, 1, 28, 28]);
        var layers = Modules<Linear>(model);
        using var headBefore = layers[^1].weight!.detach().clone();

        var changed = DataDrivenInit.Apply(model.Module, model.Forward, inputs);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"layers.{i}.weight"), changed);
        foreach (var (mean, std) in UnitFigures(model, layers.Take(6), inputs, unitDim: 1))
        {
            Assert.InRange(mean, -1e-4, 1e-4);
            Assert.InRange(std, 0.999, 1.001);
        }

        Assert.True(layers[^1].weight!.eq(headBefore).all().item<bool>());
    }

    [Fact]
    public void A_convolution_is_rescaled_per_channel()
    {
        using var model = Build("{kind: cnn, depth: 2, width: 4, activation: relu}", [1, 28, 28]);
        using var inputs = Samples([64, 1, 28, 28]);
        var convs = Modules<Conv2d>(model);

        var changed = DataDrivenInit.Apply(model.Module, model.Forward, inputs);

        Assert.Equal(2, changed.Count(n => n.Contains("conv", StringComparison.Ordinal)));
        foreach (var (mean, std) in UnitFigures(model, convs, inputs, unitDim: 1))
        {
            Assert.InRange(mean, -1e-4, 1e-4);
            Assert.InRange(std, 0.999, 1.001);
        }
    }

    [Fact]
    public void The_same_samples_give_the_same_weights_bit_for_bit()
    {
        using var a = Build("{kind: mlp, depth: 3, width: 16, activation: sigmoid, init: default}", [1, 28, 28]);
        using var b = Build("{kind: mlp, depth: 3, width: 16, activation: sigmoid, init: default}", [1, 28, 28]);
        using var inputs = Samples([128, 1, 28, 28]);

        DataDrivenInit.Apply(a.Module, a.Forward, inputs);
        DataDrivenInit.Apply(b.Module, b.Forward, inputs);

        foreach (var (pa, pb) in a.Module.parameters().Zip(b.Module.parameters()))
        {
            Assert.True(pa.eq(pb).all().item<bool>());
        }
    }

    private static TrainableModel Build(string model, long[] shape) =>
        ModelFactory.Build(JobSpecDocument.Parse($"model: {model}").Validate().Model, shape, 10, seed: 1, code: null);

    private static Tensor Samples(long[] shape)
    {
        using var generator = new Generator(7);
        return rand(shape, generator: generator);
    }

    private static List<T> Modules<T>(TrainableModel model)
        where T : nn.Module => [.. model.Module.modules().OfType<T>()];

    /// <summary>Mean and standard deviation of every output unit of each of <paramref name="modules"/> on <paramref name="inputs"/>.</summary>
    private static List<(double Mean, double Std)> UnitFigures(TrainableModel model, IEnumerable<nn.Module> modules, Tensor inputs, int unitDim)
    {
        var figures = new List<(double, double)>();
        var removers = new List<Action>();
        foreach (var m in modules.Cast<nn.Module<Tensor, Tensor>>())
        {
            removers.Add(m.register_forward_hook((_, _, o) =>
            {
                using var units = o.detach().movedim([unitDim], [0]).reshape(o.shape[unitDim], -1).to(float64);
                var (std, mean) = std_mean(units, dimensions: [1], unbiased: false);
                figures.AddRange(mean.data<double>().ToArray().Zip(std.data<double>().ToArray()));
                return null!;
            }).remove);
        }

        using (no_grad())
        {
            model.Forward(inputs).Dispose();
        }

        removers.ForEach(remove => remove());
        return figures;
    }
}
