using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>
/// SGD with optional (Nesterov) momentum and L2 weight decay, in PyTorch's formulation: one pass over
/// each CPU parameter's memory (unless <c>hostKernels</c> is off: the device path) (<see cref="SgdKernel"/>), tensor operations for any other.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly bool hostKernels;
    private readonly Tensor[] buffers;
    private readonly double momentum;
    private readonly bool nesterov;
    private readonly double weightDecay;

    public Sgd(IReadOnlyList<(string Name, Tensor Param)> parameters, double momentum, bool nesterov, double weightDecay, bool hostKernels = true)
    {
        this.parameters = parameters;
        this.hostKernels = hostKernels;
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
        var deferred = new DeferredChanges(changes);
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Param;
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            var capped = limit is not null && p.dim() >= 2;
            if (hostKernels && HostMemory.IsHostFloats(p) && HostMemory.IsHostFloats(g))
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

            // The kernel's operations in its order, each rounded as it rounds them (no fused alpha forms),
            // so the device path gives the host path's bits on a CPU.
            var (m, decay) = ((float)momentum, (float)weightDecay);
            if (decay != 0)
            {
                g = g.add(p.mul(decay));
            }

            if (momentum > 0)
            {
                buffers[i].mul_(m).add_(g);
                g = nesterov ? g.add(buffers[i].mul(m)) : buffers[i];
            }

            var tensorLr = capped ? limit!.Within(i, lr, Math.Sqrt(g.square().sum(ScalarType.Float64).item<double>())) : lr;
            // The change as stored (a step far below a weight's float spacing is rounded away), as the kernel measures it.
            var old = p.clone();
            p.sub_(g.mul((float)tensorLr));
            deferred.Add(i, (p - old).square().sum(ScalarType.Float64));
        }

        Updates++;
        return deferred.Read();
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
