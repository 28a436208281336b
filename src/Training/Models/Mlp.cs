using Platform.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// A multi-layer perceptron: <c>depth</c> hidden layers of <c>width</c> units, each
/// linear, norm, activation; with <c>residual</c>, hidden layers after the first add their input.
/// Parameters are named <c>layers.{i}.weight</c> in order from input to output.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> acts = new();
    private readonly bool residual;

    public Mlp(ModelSpec spec, long inputs, long outputs)
        : base("mlp")
    {
        residual = spec.Residual;
        for (var i = 0; i < spec.Depth; i++)
        {
            layers.Add(nn.Linear(i == 0 ? inputs : spec.Width, spec.Width));
            norms.Add(Layers.Norm1d(spec.Norm, spec.Width));
            acts.Add(Layers.Activation(spec.Activation));
        }

        layers.Add(nn.Linear(spec.Width, outputs));
        RegisterComponents();
        Layers.Initialise(this, spec.Init);
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.flatten(1);
        for (var i = 0; i < acts.Count; i++)
        {
            var h = acts[i].call(norms[i].call(layers[i].call(x)));
            x = residual && i > 0 ? x + h : h;
        }

        return layers[^1].call(x);
    }
}
