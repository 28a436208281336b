using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>
/// Per-parameter statistics of a step, before the optimizer touches the tensors. On the host path
/// they are read straight from the tensors' CPU memory: one vectorised pass over each gradient and one
/// over each weight, no tensor operations and no copies. On the device path (a GPU, or
/// <c>engine.host_fast_path: false</c>) they are tensor operations on the device, and one vector of
/// five figures per tensor comes to the host. The size of each update comes from the optimizer.
/// </summary>
internal sealed class LayerStatistics(IReadOnlyList<(string Name, Tensor Param)> parameters, bool onHost)
{
    private const int Figures = 5;

    public (float[] GradNorm, float[] WeightNorm, float[] MaxAbs, long[] NonFinite, float[] ZeroFraction, double GlobalNorm) BeforeUpdate() =>
        onHost ? FromHost() : FromDevice();

    private (float[] GradNorm, float[] WeightNorm, float[] MaxAbs, long[] NonFinite, float[] ZeroFraction, double GlobalNorm) FromHost()
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

    /// <summary>Per tensor: gradient sum of squares (float64 sums), largest magnitude, non-finite and zero counts, weight sum of squares; one copy to the host.</summary>
    private (float[] GradNorm, float[] WeightNorm, float[] MaxAbs, long[] NonFinite, float[] ZeroFraction, double GlobalNorm) FromDevice()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = parameters.Select(entry =>
        {
            var (p, g) = (entry.Param.detach(), entry.Param.grad);
            var weight = p.square().sum(ScalarType.Float64);
            return g is null
                ? stack([zeros_like(weight), zeros_like(weight), full_like(weight, -1.0), zeros_like(weight), weight])
                : stack([
                    g.square().sum(ScalarType.Float64),
                    g.abs().max().to(float64),
                    g.isfinite().logical_not().sum().to(float64),
                    g.eq(0).sum().to(float64),
                    weight]);
        }).ToArray();
        var figures = rows.Length == 0 ? [] : cat(rows).cpu().data<double>().ToArray();

        var n = parameters.Count;
        var (grad, weightNorm, max, nonFinite, zero) = (new float[n], new float[n], new float[n], new long[n], new float[n]);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var f = figures.AsSpan(i * Figures, Figures);
            weightNorm[i] = (float)Math.Sqrt(f[4]);
            if (f[2] < 0)
            {
                zero[i] = 1;
                continue;
            }

            grad[i] = (float)Math.Sqrt(f[0]);
            max[i] = (float)f[1];
            nonFinite[i] = (long)f[2];
            zero[i] = (float)(f[3] / Math.Max(1, parameters[i].Param.numel()));
            total += f[0];
        }

        return (grad, weightNorm, max, nonFinite, zero, Math.Sqrt(total));
    }
}
