using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>
/// SGD with optional (Nesterov) momentum and L2 weight decay, in PyTorch's formulation: one pass over
/// each CPU parameter's memory (<see cref="SgdKernel"/>), tensor operations for any other.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly Tensor[] buffers;
    private readonly double momentum;
    private readonly bool nesterov;
    private readonly double weightDecay;

    public Sgd(IReadOnlyList<(string Name, Tensor Param)> parameters, double momentum, bool nesterov, double weightDecay)
    {
        this.parameters = parameters;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;

        // A zero buffer gives the same first step as PyTorch's "buffer = first gradient".
        buffers = momentum > 0 ? parameters.Select(p => zeros_like(p.Param)).ToArray() : [];
    }

    public long Updates { get; set; }

    public double[] Step(double lr, UpdateLimit? limit = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var changes = new double[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Param;
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            var capped = limit is not null && p.dim() >= 2;
            if (HostMemory.IsHostFloats(p) && HostMemory.IsHostFloats(g))
            {
                var w = HostMemory.Floats(p);
                var gs = HostMemory.Floats(g);
                var b = momentum > 0 ? HostMemory.Floats(buffers[i]) : [];
                var stepLr = lr;
                if (capped)
                {
                    stepLr = limit!.Within(i, lr, Math.Sqrt(SgdKernel.Direction(w, gs, b, (float)momentum, (float)weightDecay, nesterov)));
                }

                changes[i] = SgdKernel.Apply(w, gs, b, (float)stepLr, (float)momentum, (float)weightDecay, nesterov);
                continue;
            }

            if (weightDecay != 0)
            {
                g = g.add(p, weightDecay);
            }

            if (momentum > 0)
            {
                buffers[i].mul_(momentum).add_(g);
                g = nesterov ? g.add(buffers[i], momentum) : buffers[i];
            }

            var tensorLr = capped ? limit!.Within(i, lr, g.norm().item<float>()) : lr;
            p.add_(g, -tensorLr);
            changes[i] = g.square().sum().item<float>() * tensorLr * tensorLr;
        }

        Updates++;
        return changes;
    }

    public IEnumerable<(string Name, Tensor Value)> State() =>
        buffers.Select((b, i) => ($"momentum.{parameters[i].Name}", b));

    public void Dispose()
    {
        foreach (var b in buffers)
        {
            b.Dispose();
        }
    }
}
