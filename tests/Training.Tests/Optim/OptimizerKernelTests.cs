using Platform.Spec;
using Platform.Training.Optim;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Optim;

/// <summary>
/// The one-pass CPU updates against the same optimizers run with tensor operations (a parameter
/// that is not contiguous takes that path), over steps that exercise momentum, Nesterov, both kinds
/// of decay and the bias corrections; and the update sizes they report against the weights' change.
/// </summary>
public sealed class OptimizerKernelTests
{
    public static TheoryData<OptimizerKind, double, bool, double> Settings => new()
    {
        { OptimizerKind.Sgd, 0, false, 0 },
        { OptimizerKind.Sgd, 0.9, false, 0 },
        { OptimizerKind.Sgd, 0.9, true, 0.01 },
        { OptimizerKind.Adam, 0, false, 0 },
        { OptimizerKind.Adam, 0, false, 0.01 },
        { OptimizerKind.AdamW, 0, false, 0.1 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void One_pass_update_matches_tensor_operations_and_reports_the_change(OptimizerKind kind, double momentum, bool nesterov, double decay)
    {
        var spec = new OptimizerSpec(kind, 0.05, momentum, nesterov, decay, 0.9, 0.999, 1e-8);
        using var scope = NewDisposeScope();
        var generator = manual_seed(7);

        // 1,027 values: whole vectors, a block boundary and a scalar tail. The second copy is a
        // transposed view made contiguous only in its gradient's absence, so it takes the tensor path.
        var host = randn(13, 79).requires_grad_();
        var strided = host.detach().t().contiguous().t().requires_grad_();
        Assert.False(strided.is_contiguous());
        using var fused = OptimizerFactory.Create(spec, [("w", host)]);
        using var reference = OptimizerFactory.Create(spec, [("w", strided)]);
        for (var step = 0; step < 5; step++)
        {
            var grad = randn(13, 79);
            host.grad = grad.clone();
            strided.grad = grad.t().contiguous().t();
            var before = host.detach().clone();

            var changed = fused.Step(0.05)[0];
            var referenceChanged = reference.Step(0.05)[0];

            var measured = (host.detach() - before).square().sum().item<float>();
            Assert.Equal(measured, changed, measured * 1e-4);
            Assert.Equal(referenceChanged, changed, referenceChanged * 1e-4);
            var drift = (host.detach() - strided.detach()).abs().max().item<float>();
            // A few float roundings apart on weights of about 1: what a different order of the same operations gives.
            Assert.True(drift < 1e-5, $"step {step}: the one-pass update drifted from tensor operations by {drift}");
        }

        GC.KeepAlive(generator);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_device_path_gives_the_one_pass_updates_bits(OptimizerKind kind, double momentum, bool nesterov, double decay)
    {
        var spec = new OptimizerSpec(kind, 0.05, momentum, nesterov, decay, 0.9, 0.999, 1e-8);
        using var scope = NewDisposeScope();
        var generator = manual_seed(11);
        var host = randn(13, 79).requires_grad_();
        var device = host.detach().clone().requires_grad_();
        using var fused = OptimizerFactory.Create(spec, [("w", host)]);
        using var tensors = OptimizerFactory.Create(spec, [("w", device)], hostKernels: false);
        for (var step = 0; step < 5; step++)
        {
            var grad = randn(13, 79);
            (host.grad, device.grad) = (grad.clone(), grad.clone());
            var limit = step == 4 ? new UpdateLimit(1e-4, [host.detach().norm().item<float>()]) : null;
            var copy = step == 4 ? new UpdateLimit(1e-4, [host.detach().norm().item<float>()]) : null;

            var changed = fused.Step(0.05, limit)[0];
            var tensorChanged = tensors.Step(0.05, copy)[0];

            Assert.True((host.detach() - device.detach()).abs().max().item<float>() == 0, $"step {step}: {(host.detach() - device.detach()).abs().max().item<float>()}");
            Assert.Equal(changed, tensorChanged, changed * 1e-4);
        }

        GC.KeepAlive(generator);
    }
}
