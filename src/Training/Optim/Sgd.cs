using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>SGD with optional (Nesterov) momentum and L2 weight decay, in PyTorch's formulation.</summary>
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

    public void Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Param;
            var g = p.grad;
            if (g is null)
            {
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

            p.add_(g, -lr);
        }

        Updates++;
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
