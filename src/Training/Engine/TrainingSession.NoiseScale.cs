using System.Numerics.Tensors;
using Platform.Training.Telemetry;

namespace Platform.Training.Engine;

/// <summary>The gradient noise scale: each rank's squared local gradient norm rides in the allreduce's extras.</summary>
public sealed partial class TrainingSession
{
    /// <summary>The last smoothed gradient noise scale (the critical batch's estimate); null with one rank, without statistics, or before the first estimate.</summary>
    public double? NoiseScale => noise?.Last;

    /// <summary>The noise scale every <see cref="NoiseScaleEstimator.SampleEvery"/> steps.</summary>
    public IReadOnlyList<(int Step, double Value)> NoiseScaleHistory => noise?.History ?? [];

    /// <summary>The squared L2 norm of this rank's own gradient, before the allreduce averages it.</summary>
    private float LocalGradientSquared()
    {
        if (!HostFast)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var squares = parameters.Where(p => p.Param.grad is not null).Select(p => p.Param.grad!.square().sum(TorchSharp.torch.ScalarType.Float64)).ToArray();
            return squares.Length == 0 ? 0f : (float)TorchSharp.torch.stack(squares).sum().item<double>();
        }

        var sum = 0.0;
        foreach (var (_, param) in parameters)
        {
            if (param.grad is { } g)
            {
                sum += TensorPrimitives.SumOfSquares<float>(HostMemory.Floats(g));
            }
        }

        return (float)sum;
    }

    /// <summary>
    /// Takes the step's figures: <paramref name="smallSquared"/>, the ranks' local squared norms averaged
    /// (batch <paramref name="samples"/> each), and the averaged gradient's norm before any remedy.
    /// </summary>
    private void EstimateNoise(float smallSquared, double bigNorm, int samples) =>
        noise?.Add(Step, smallSquared, bigNorm * bigNorm, samples, samples * WorldSize);
}
