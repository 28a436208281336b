using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>Builds the optimizer a spec names over a model's named parameters.</summary>
public static class OptimizerFactory
{
    public static IOptimizer Create(OptimizerSpec spec, IReadOnlyList<(string Name, Tensor Param)> parameters) => spec.Kind switch
    {
        OptimizerKind.Sgd => new Sgd(parameters, spec.Momentum, spec.Nesterov, spec.WeightDecay),
        OptimizerKind.Adam => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, decoupled: false),
        _ => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, decoupled: true),
    };
}
