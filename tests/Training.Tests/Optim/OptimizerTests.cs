using Platform.Spec;
using Platform.Training.Optim;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Optim;

public sealed class OptimizerTests
{
    private static (Tensor Param, IReadOnlyList<(string, Tensor)> List) Param(float value)
    {
        var p = tensor(new[] { value }).requires_grad_();
        return (p, [("w", p)]);
    }

    private static void SetGrad(Tensor p, float g)
    {
        using var loss = p.sum() * g;
        p.grad?.zero_();
        loss.backward();
    }

    [Fact]
    public void Sgd_with_momentum_follows_the_heavy_ball_update()
    {
        var (p, list) = Param(1f);
        using var sgd = OptimizerFactory.Create(new OptimizerSpec(OptimizerKind.Sgd, 0.1, 0.9, false, 0, 0.9, 0.999, 1e-8), list);

        SetGrad(p, 2f);
        sgd.Step(0.1);   // buf = 2, p = 1 - 0.2
        SetGrad(p, 2f);
        sgd.Step(0.1);   // buf = 0.9*2 + 2 = 3.8, p = 0.8 - 0.38

        Assert.Equal(0.42f, p.item<float>(), 5);
        Assert.Equal(2, sgd.Updates);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate()
    {
        var (p, list) = Param(1f);
        using var adam = OptimizerFactory.Create(new OptimizerSpec(OptimizerKind.Adam, 0.01, 0, false, 0, 0.9, 0.999, 1e-8), list);

        SetGrad(p, 123f);
        adam.Step(0.01);

        Assert.Equal(0.99f, p.item<float>(), 5);
    }

    [Fact]
    public void AdamW_decays_weights_even_with_zero_gradient()
    {
        var (p, list) = Param(1f);
        using var adamw = OptimizerFactory.Create(new OptimizerSpec(OptimizerKind.AdamW, 0.1, 0, false, 0.5, 0.9, 0.999, 1e-8), list);

        SetGrad(p, 0f);
        adamw.Step(0.1);

        Assert.Equal(0.95f, p.item<float>(), 5);
    }

    [Fact]
    public void State_names_every_buffer()
    {
        var (_, list) = Param(1f);
        using var adam = OptimizerFactory.Create(new OptimizerSpec(OptimizerKind.Adam, 0.01, 0, false, 0, 0.9, 0.999, 1e-8), list);

        Assert.Equal(["exp_avg.w", "exp_avg_sq.w"], adam.State().Select(s => s.Name));
    }
}
