using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>
/// Adam with L2 weight decay, or AdamW (decoupled decay) when <c>decoupled</c>; PyTorch's formulation:
/// one pass over each CPU parameter's memory (<see cref="AdamKernel"/>), tensor operations for any other.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly bool hostKernels;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double eps;
    private readonly double weightDecay;
    private readonly bool decoupled;

    public Adam(IReadOnlyList<(string Name, Tensor Param)> parameters, double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool hostKernels = true)
    {
        this.parameters = parameters;
        this.hostKernels = hostKernels;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        firstMoments = parameters.Select(p => zeros_like(p.Param)).ToArray();
        secondMoments = parameters.Select(p => zeros_like(p.Param)).ToArray();
    }

    public long Updates { get; set; }

    public double[] Step(double lr, UpdateLimit? limit = null)
    {
        Updates++;
        var correction1 = 1 - Math.Pow(beta1, Updates);
        var correction2 = Math.Sqrt(1 - Math.Pow(beta2, Updates));
        var settings = new AdamKernel.Settings((float)lr, (float)beta1, (float)beta2, (float)eps, (float)weightDecay, decoupled, (float)correction1, (float)correction2);
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
                var before = capped ? System.Buffers.ArrayPool<float>.Shared.Rent(w.Length) : null;
                if (before is not null)
                {
                    w.CopyTo(before);
                }

                changes[i] = AdamKernel.Apply(w, HostMemory.Floats(g), HostMemory.Floats(firstMoments[i]), HostMemory.Floats(secondMoments[i]), settings);
                if (before is not null)
                {
                    changes[i] = Shorten(i, limit!, w, before, changes[i]);
                    System.Buffers.ArrayPool<float>.Shared.Return(before);
                }

                continue;
            }

            // The kernel's operations in its order and its float constants, each rounded as it rounds
            // them (no fused forms), so the device path gives the host path's bits on a CPU.
            var old = p.clone();
            var st = settings;
            if (st.Decay != 0 && !st.Decoupled)
            {
                g = g.add(p.mul(st.Decay));
            }

            firstMoments[i].mul_(st.Beta1).add_(g.mul(1 - st.Beta1));
            secondMoments[i].mul_(st.Beta2).add_(g.mul(g).mul_(1 - st.Beta2));
            // libtorch's CPU sqrt is not correctly rounded (about one value in five is an ulp off); the
            // kernel's is, and so is a double's rounded to float. CUDA's sqrtf is correctly rounded.
            var root = p.device_type == TorchSharp.DeviceType.CPU ? secondMoments[i].to(float64).sqrt_().to(float32) : secondMoments[i].sqrt();
            var step = firstMoments[i].div(root.div_(st.Correction2).add_(st.Eps)).mul_(-st.Lr / st.Correction1);
            if (st.Decay != 0 && st.Decoupled)
            {
                p.mul_(1 - (st.Lr * st.Decay));
            }

            p.add_(step);
            var change = (p - old).square().sum(ScalarType.Float64);
            if (!capped)
            {
                deferred.Add(i, change);
                continue;
            }

            changes[i] = change.item<double>();
            if (limit!.Within(i, 1, Math.Sqrt(changes[i])) is var factor and < 1)
            {
                p.sub_(old).mul_(factor).add_(old);
                changes[i] *= factor * factor;
            }
        }

        return deferred.Read();
    }

    /// <summary>
    /// Adam's step is known only once taken (its direction divides by the new second moment), so a
    /// trust region shortens it afterwards: the weights are moved back toward <paramref name="before"/>
    /// until the step is within the limit; the moments stay as updated.
    /// </summary>
    private static double Shorten(int tensor, UpdateLimit limit, Span<float> weights, ReadOnlySpan<float> before, double change)
    {
        var factor = limit.Within(tensor, 1, Math.Sqrt(change));
        if (factor >= 1)
        {
            return change;
        }

        var old = before[..weights.Length];
        System.Numerics.Tensors.TensorPrimitives.Subtract(weights, old, weights);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(weights, (float)factor, old, weights);
        return change * factor * factor;
    }

    public IEnumerable<(string Name, Tensor Value)> State() =>
        firstMoments.Select((m, i) => ($"exp_avg.{parameters[i].Name}", m))
            .Concat(secondMoments.Select((v, i) => ($"exp_avg_sq.{parameters[i].Name}", v)));

    public void Dispose()
    {
        foreach (var t in firstMoments.Concat(secondMoments))
        {
            t.Dispose();
        }
    }
}
