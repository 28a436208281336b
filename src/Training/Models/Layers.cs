using Platform.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>Activation, normalisation and initialisation choices shared by the model builders.</summary>
internal static class Layers
{
    public static nn.Module<Tensor, Tensor> Activation(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Relu => nn.ReLU(),
        _ => nn.GELU(),
    };

    /// <summary>A normalisation layer over <paramref name="features"/>, or identity for <c>none</c>.</summary>
    public static nn.Module<Tensor, Tensor> Norm1d(NormKind kind, long features) => kind switch
    {
        NormKind.Batch => nn.BatchNorm1d(features),
        NormKind.Layer => nn.LayerNorm(features),
        _ => nn.Identity(),
    };

    public static nn.Module<Tensor, Tensor> Norm2d(NormKind kind, long channels) => kind switch
    {
        NormKind.Batch => nn.BatchNorm2d(channels),
        NormKind.Layer => nn.GroupNorm(1, channels),
        _ => nn.Identity(),
    };

    /// <summary>
    /// Re-initialises every linear and convolution weight: <c>xavier</c> (Glorot uniform) or <c>he</c>
    /// (Kaiming normal, fan-in, ReLU gain), biases to zero. <c>default</c> keeps torch's own.
    /// </summary>
    public static void Initialise(nn.Module module, WeightInit init)
    {
        if (init == WeightInit.Default)
        {
            return;
        }

        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            var (weight, bias) = child switch
            {
                Linear l => (l.weight, l.bias),
                Conv2d c => (c.weight, c.bias),
                _ => (null, null),
            };
            if (weight is null)
            {
                continue;
            }

            if (init == WeightInit.Xavier)
            {
                nn.init.xavier_uniform_(weight);
            }
            else
            {
                nn.init.kaiming_normal_(weight, nonlinearity: nn.init.NonlinearityType.ReLU);
            }

            bias?.zero_();
        }
    }
}
