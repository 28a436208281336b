using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>
/// Per-parameter statistics of a step, read straight from the tensors' CPU memory: one vectorised
/// pass over each gradient, one over each weight (which also keeps a copy), and after the optimizer
/// one more to measure the update. No tensor operations and no copies to the host.
/// </summary>
internal sealed class LayerStatistics(IReadOnlyList<(string Name, Tensor Param)> parameters)
{
    private readonly float[][] before = parameters.Select(p => new float[p.Param.numel()]).ToArray();

    /// <summary>Scans gradients and weights before the optimizer touches them.</summary>
    public (float[] GradNorm, float[] WeightNorm, float[] MaxAbs, long[] NonFinite, float[] ZeroFraction, double GlobalNorm) BeforeUpdate()
    {
        var n = parameters.Count;
        var (grad, weight, max, nonFinite, zero) = (new float[n], new float[n], new float[n], new long[n], new float[n]);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var p = parameters[i].Param;
            weight[i] = (float)Math.Sqrt(GradientScan.SumSquaresCopying(HostMemory.Floats(p), before[i]));
            if (p.grad is not { } g)
            {
                zero[i] = 1;
                continue;
            }

            var scan = GradientScan.Of(HostMemory.Floats(g));
            grad[i] = (float)Math.Sqrt(scan.SumSquares);
            max[i] = scan.MaxAbs;
            nonFinite[i] = scan.NonFinite;
            zero[i] = (float)scan.Zeros / before[i].Length;
            total += scan.SumSquares;
        }

        return (grad, weight, max, nonFinite, zero, Math.Sqrt(total));
    }

    /// <summary>The L2 norm of what the optimizer changed in each parameter since <see cref="BeforeUpdate"/>.</summary>
    public float[] UpdateNorms()
    {
        var norms = new float[parameters.Count];
        for (var i = 0; i < norms.Length; i++)
        {
            norms[i] = (float)Math.Sqrt(GradientScan.SquaredDistance(HostMemory.Floats(parameters[i].Param), before[i]));
        }

        return norms;
    }
}
