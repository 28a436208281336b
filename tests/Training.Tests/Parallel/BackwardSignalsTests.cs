using Platform.Spec;
using Platform.Training.Models;
using Platform.Training.Parallel;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Parallel;

public sealed class BackwardSignalsTests
{
    [Fact]
    public void Each_module_is_signalled_after_its_gradients_are_complete_from_the_last_layer_back()
    {
        var spec = JobSpecDocument.Parse("model: {kind: mlp, depth: 3, width: 16}").Validate().Model;
        using var model = ModelFactory.Create(spec, [8], 4, seed: 1);
        var parameters = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        using var signals = new BackwardSignals(model, parameters);
        var order = new List<int>();
        var complete = new List<bool>();
        signals.ModuleDone = m =>
        {
            order.Add(m);
            complete.Add(signals.Modules[m].All(i => parameters[i].Item2.grad is { } g && g.abs().sum().item<float>() > 0));
        };

        signals.Arm();
        using var x = randn(5, 8);
        model.call(x).square().sum().backward();
        signals.Disarm();

        // Layers 3, 2, 1 are signalled during backward (layer 0's input needs no gradient), in that order.
        Assert.Equal([3, 2, 1], order);
        Assert.All(complete, Assert.True);
        var values = parameters.Select(p => p.Item2.grad!.clone()).ToList();
        model.zero_grad();
        model.call(x).square().sum().backward();
        Assert.All(values.Zip(parameters), v => Assert.True(v.First.allclose(v.Second.Item2.grad!, rtol: 0, atol: 0)));
    }
}
