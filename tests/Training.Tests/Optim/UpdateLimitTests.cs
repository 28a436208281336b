using Platform.Spec;
using Platform.Training.Optim;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Optim;

/// <summary>The update_cap trust region inside the optimizers: SGD measures a step before it writes it, Adam shortens it after; weight tensors only.</summary>
public sealed class UpdateLimitTests
{
    [Theory]
    [InlineData(true, OptimizerKind.Sgd)]
    [InlineData(false, OptimizerKind.Sgd)]
    [InlineData(true, OptimizerKind.Adam)]
    [InlineData(false, OptimizerKind.Adam)]
    public void A_weight_step_past_the_limit_is_shortened_to_it_and_a_bias_is_left_alone(bool hostMemory, OptimizerKind kind)
    {
        using var weight = full(new long[] { 4, 8 }, 0.5f).requires_grad_();
        using var bias = full(new long[] { 4 }, 0.5f).requires_grad_();
        // A non-contiguous view takes the tensor-operation path instead of the fused kernel.
        using var raw = full(new long[] { 8, 4 }, 0.5f);
        using var strided = raw.t().requires_grad_();
        var main = hostMemory ? weight : strided;
        IReadOnlyList<(string, Tensor)> parameters = [("layers.0.weight", main), ("layers.0.bias", bias)];
        using var optimizer = OptimizerFactory.Create(new OptimizerSpec(kind, 1, 0.9, false, 0, 0.9, 0.999, 1e-8), parameters);
        using (var loss = (main.sum() * 3) + (bias.sum() * 3))
        {
            loss.backward();
        }

        var weightNorm = main.norm().item<float>();
        using var before = main.detach().clone();
        var limit = new UpdateLimit(0.01, [weightNorm, bias.norm().item<float>()]);
        var changes = optimizer.Step(1.0, limit);

        // The gradient of 3 everywhere would step SGD by 3 per element, Adam's first step by 1 (its
        // moments normalise it): 3 * sqrt(32) = 17 or sqrt(32) = 5.7 against a norm of 2.83.
        var perElement = kind == OptimizerKind.Sgd ? 3.0 : 1.0;
        Assert.Equal(0.01 * weightNorm, Math.Sqrt(changes[0]), 4);
        Assert.Equal(0.01 * weightNorm, (main.detach() - before).norm().item<float>(), 4);
        Assert.Equal(perElement * Math.Sqrt(32) / weightNorm, limit.Capped[0], 1);
        Assert.Equal(perElement * 2, Math.Sqrt(changes[1]), 3);
        Assert.Equal(0, limit.Capped[1]);
    }

    [Fact]
    public void A_step_within_the_limit_is_taken_as_it_is()
    {
        using var weight = full(new long[] { 4, 8 }, 0.5f).requires_grad_();
        using var sgd = OptimizerFactory.Create(new OptimizerSpec(OptimizerKind.Sgd, 1, 0, false, 0, 0.9, 0.999, 1e-8), [("w", weight)]);
        using (var loss = weight.sum() * 1e-3f)
        {
            loss.backward();
        }

        var limit = new UpdateLimit(0.01, [weight.norm().item<float>()]);
        var changes = sgd.Step(1.0, limit);

        Assert.Equal(1e-3 * Math.Sqrt(32), Math.Sqrt(changes[0]), 6);
        Assert.Equal(0, limit.Capped[0]);
    }
}
