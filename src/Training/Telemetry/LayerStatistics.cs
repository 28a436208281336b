using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>
/// Per-parameter statistics of a step, read straight from the tensors' CPU memory: one vectorised
/// pass over each gradient and one over each weight. No tensor operations and no copies; the size of
/// each update comes from the optimizer, which measures it as it writes.
/// </summary>
internal sealed class LayerStatistics(IReadOnlyList<(string Name, Tensor Param)> parameters)
{
    /// <summary>Scans gradients and weights before the optimizer touches them.</summary>
    public (float[] GradNorm, float[] WeightNorm, float[] MaxAbs, long[] NonFinite, float[] ZeroFraction, double GlobalNorm) BeforeUpdate()
    {
        var n = parameters.Count;
        var (grad, weight, max, nonFinite, zero) = (new float[n], new float[n], new float[n], new long[n], new float[n]);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var p = parameters[i].Param;
            weight[i] = (float)Math.Sqrt(GradientScan.SumOfSquares(HostMemory.Floats(p)));
            if (p.grad is not { } g)
            {
                zero[i] = 1;
                continue;
            }

            var scan = GradientScan.Of(HostMemory.Floats(g));
            grad[i] = (float)Math.Sqrt(scan.SumSquares);
            max[i] = scan.MaxAbs;
            nonFinite[i] = scan.NonFinite;
            zero[i] = (float)scan.Zeros / Math.Max(1, p.numel());
            total += scan.SumSquares;
        }

        return (grad, weight, max, nonFinite, zero, Math.Sqrt(total));
    }
}
