using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Health;

/// <summary>
/// The <c>reinit</c> remedy: a data-driven re-initialisation of a model's linear and convolution
/// layers, in the spirit of LSUV (Mishkin and Matas 2016) and of Krähenbühl et al.'s data-dependent
/// initialisation (2016). Layer by layer, in the order the forward pass calls them, each output unit
/// (a feature of a linear layer, a channel of a convolution) is measured on a batch of training
/// samples and its weights and bias rescaled so that it has zero mean and unit variance there; the
/// last layer (the model's output) keeps its weights. A deep sigmoid net whose inputs collapsed to a
/// constant a few layers in carries the data through every layer again. Every rank uses the same
/// samples, so the replicas stay identical.
/// </summary>
internal static class DataDrivenInit
{
    /// <summary>A unit whose output varies less than this on the batch keeps its weights (dead, or constant by construction).</summary>
    private const double MinStd = 1e-6;

    /// <summary>Rescales the layers of <paramref name="model"/>; returns the names of the weight tensors it changed.</summary>
    public static IReadOnlyList<string> Apply(nn.Module model, Func<Tensor, Tensor> forward, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layers = CallOrder(model, forward, inputs);
        var changed = new List<string>();
        foreach (var (name, module) in layers.Take(Math.Max(0, layers.Count - 1)))
        {
            using var step = NewDisposeScope();
            Tensor? output = null;
            var hook = module.register_forward_hook((_, _, o) =>
            {
                output ??= o.detach().clone();
                return null!;
            });
            try
            {
                forward(inputs);
            }
            finally
            {
                hook.remove();
            }

            if (output is not null && Rescale(module, output))
            {
                changed.Add($"{name}.weight");
            }
        }

        return changed;
    }

    /// <summary>The model's linear and convolution layers in the order one forward pass calls them (a layer called twice counts once).</summary>
    private static List<(string Name, nn.Module<Tensor, Tensor> Module)> CallOrder(nn.Module model, Func<Tensor, Tensor> forward, Tensor inputs)
    {
        var order = new List<(string, nn.Module<Tensor, Tensor>)>();
        var hooks = new List<Action>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is (Linear or Conv1d or Conv2d) and nn.Module<Tensor, Tensor> m)
            {
                hooks.Add(m.register_forward_hook((_, _, _) =>
                {
                    if (!order.Exists(o => ReferenceEquals(o.Item2, m)))
                    {
                        order.Add((name, m));
                    }

                    return null!;
                }).remove);
            }
        }

        try
        {
            using var scope = NewDisposeScope();
            forward(inputs);
        }
        finally
        {
            hooks.ForEach(remove => remove());
        }

        return order;
    }

    /// <summary>Scales each output unit's weights by 1/std and sets its bias so the unit's output is centred; false when nothing changed.</summary>
    private static bool Rescale(nn.Module<Tensor, Tensor> module, Tensor output)
    {
        var (weight, bias) = module switch
        {
            Linear l => (l.weight, l.bias),
            Conv1d c => (c.weight, c.bias),
            Conv2d c => (c.weight, c.bias),
            _ => (null, null),
        };
        if (weight is null)
        {
            return false;
        }

        // Units are the last dimension of a linear layer's output, the second of a convolution's.
        var unitDim = module is Linear ? output.dim() - 1 : 1;
        var units = output.movedim([unitDim], [0]).reshape(output.shape[unitDim], -1).to(float64);
        var (std, mean) = std_mean(units, dimensions: [1], unbiased: false);
        var live = std.gt(MinStd);
        if (!live.any().item<bool>())
        {
            return false;
        }

        var scale = where(live, std.reciprocal(), ones_like(std));
        var shape = new long[weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        weight.mul_(scale.to(weight.dtype).reshape(shape));
        if (bias is not null)
        {
            var centred = bias.to(float64).sub(mean).mul(scale);
            bias.copy_(where(live, centred, bias.to(float64)).to(bias.dtype));
        }

        return true;
    }
}
