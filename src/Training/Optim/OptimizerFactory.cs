using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>Builds the optimizer a spec names over a model's named parameters.</summary>
public static class OptimizerFactory
{
    /// <summary>With <paramref name="hostKernels"/> off, CPU tensors are updated by tensor operations too, as on a GPU.</summary>
    public static IOptimizer Create(OptimizerSpec spec, IReadOnlyList<(string Name, Tensor Param)> parameters, bool hostKernels = true) => spec.Kind switch
    {
        OptimizerKind.Sgd => new Sgd(parameters, spec.Momentum, spec.Nesterov, spec.WeightDecay, hostKernels),
        OptimizerKind.Adam => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, decoupled: false, hostKernels),
        _ => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, decoupled: true, hostKernels),
    };
}
