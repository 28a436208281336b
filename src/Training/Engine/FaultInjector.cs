using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>Applies a spec's <c>faults</c> to this rank's local gradients, before the allreduce.</summary>
internal sealed class FaultInjector
{
    private readonly IReadOnlyList<FaultSpec> faults;
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;

    public FaultInjector(IReadOnlyList<FaultSpec> faults, IReadOnlyList<(string Name, Tensor Param)> parameters)
    {
        this.faults = faults;
        this.parameters = parameters;
        foreach (var (fault, i) in faults.Select((f, i) => (f, i)))
        {
            if (fault.Layer is { } layer && parameters.All(p => p.Name != layer))
            {
                throw new SpecException($"faults[{i}].layer", $"the model has no parameter '{layer}' (it has: {string.Join(", ", parameters.Select(p => p.Name))})");
            }
        }
    }

    /// <summary>Whether a gradient fault hits this rank at <paramref name="step"/>.</summary>
    public bool Hits(int step, int rank) => faults.Any(f => !f.IsStall && f.Hits(step, rank));

    public void Apply(int step, int rank)
    {
        foreach (var fault in faults.Where(f => !f.IsStall && f.Hits(step, rank)))
        {
            foreach (var (_, param) in parameters.Where(p => fault.Layer is null || p.Name == fault.Layer))
            {
                if (param.grad is not { } grad)
                {
                    continue;
                }

                if (fault.Kind == FaultKind.Scale)
                {
                    using var noGrad = no_grad();
                    grad.mul_(fault.Factor);
                    continue;
                }

                // A tensor operation, so the fault lands the same way on any device.
                using var noGradFill = no_grad();
                using var flat = grad.view(-1);
                using var head = flat.narrow(0, 0, Math.Min(fault.Count, flat.shape[0]));
                head.fill_(fault.Kind == FaultKind.Nan ? float.NaN : float.PositiveInfinity);
            }
        }
    }
}
