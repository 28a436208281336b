using Platform.Spec;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Models;

public sealed class ModelFactoryTests
{
    private static ModelSpec Spec(string kind = "mlp", int depth = 3, int width = 16, ActivationKind activation = ActivationKind.Relu, WeightInit init = WeightInit.Default, NormKind norm = NormKind.None, bool residual = false, CellKind cell = CellKind.Lstm) =>
        new(kind, depth, width, activation, init, norm, residual, cell);

    [Theory]
    [InlineData(ActivationKind.Sigmoid, NormKind.None, false)]
    [InlineData(ActivationKind.Tanh, NormKind.Batch, false)]
    [InlineData(ActivationKind.Relu, NormKind.Layer, true)]
    [InlineData(ActivationKind.Gelu, NormKind.None, true)]
    public void Mlp_maps_samples_to_outputs(ActivationKind activation, NormKind norm, bool residual)
    {
        using var model = ModelFactory.Create(Spec(activation: activation, norm: norm, residual: residual), [1, 28, 28], 10, seed: 1);
        using var x = randn(5, 1, 28, 28);

        using var y = model.call(x);

        Assert.Equal([5L, 10], y.shape);
    }

    [Fact]
    public void Mlp_parameters_are_named_by_layer_from_input_to_output()
    {
        using var model = ModelFactory.Create(Spec(depth: 3), [2], 4, seed: 1);

        var names = model.named_parameters().Select(p => p.name).Where(n => n.EndsWith(".weight", StringComparison.Ordinal)).ToList();

        Assert.Equal(["layers.0.weight", "layers.1.weight", "layers.2.weight", "layers.3.weight"], names);
    }

    [Theory]
    [InlineData(false, NormKind.None)]
    [InlineData(true, NormKind.Batch)]
    public void Cnn_maps_images_to_classes(bool residual, NormKind norm)
    {
        using var model = ModelFactory.Create(Spec("cnn", depth: 2, width: 4, residual: residual, norm: norm), [1, 28, 28], 10, seed: 1);
        using var x = randn(3, 1, 28, 28);

        using var y = model.call(x);

        Assert.Equal([3L, 10], y.shape);
    }

    [Theory]
    [InlineData(false, null, 2)]
    [InlineData(true, null, 6)]
    [InlineData(false, 4, 18)]
    [InlineData(true, 4, 18)]
    public void Cnn_blocks_add_two_convolutions_each_to_every_stage_with_or_without_skips(bool residual, int? blocks, int convolutions)
    {
        using var model = ModelFactory.Create(Spec("cnn", depth: 2, width: 4, residual: residual) with { Blocks = blocks }, [1, 28, 28], 10, seed: 1);
        using var x = randn(3, 1, 28, 28);

        using var y = model.call(x);

        Assert.Equal([3L, 10], y.shape);
        Assert.Equal(convolutions, model.modules().OfType<TorchSharp.Modules.Conv2d>().Count());
    }

    [Theory]
    [InlineData(CellKind.Rnn)]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void Rnn_reads_sequences(CellKind cell)
    {
        using var model = ModelFactory.Create(Spec("rnn", depth: 2, width: 8, activation: ActivationKind.Tanh, cell: cell), [30, 2], 1, seed: 1);
        using var x = randn(4, 30, 2);

        using var y = model.call(x);

        Assert.Equal([4L, 1], y.shape);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_inits_differ()
    {
        using var a = ModelFactory.Create(Spec(init: WeightInit.He), [2], 4, seed: 5);
        using var b = ModelFactory.Create(Spec(init: WeightInit.He), [2], 4, seed: 5);
        using var c = ModelFactory.Create(Spec(init: WeightInit.Xavier), [2], 4, seed: 5);

        var wa = a.named_parameters().First().parameter;
        Assert.True(wa.eq(b.named_parameters().First().parameter).all().item<bool>());
        Assert.False(wa.eq(c.named_parameters().First().parameter).all().item<bool>());
    }

    [Fact]
    public void He_init_has_the_fan_in_variance()
    {
        using var model = ModelFactory.Create(Spec(init: WeightInit.He, width: 512, depth: 1), [512], 4, seed: 2);

        var weight = model.named_parameters().First(p => p.name == "layers.0.weight").parameter;
        var bias = model.named_parameters().First(p => p.name == "layers.0.bias").parameter;

        Assert.InRange(weight.std().item<float>(), Math.Sqrt(2.0 / 512) * 0.95, Math.Sqrt(2.0 / 512) * 1.05);
        Assert.Equal(0f, bias.abs().sum().item<float>());
    }
}
