using Platform.Training.Runtime;
using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>
/// A small synthetic 2-D classification set: one Gaussian blob per class, centres on a circle.
/// Made from the seed alone, so fast tests need no files.
/// </summary>
public static class Blobs
{
    public static TensorDataset Make(int count, int classes, long seed, long stream)
    {
        var rng = SplitMix64.For(seed, stream);
        var points = new float[count * 2];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var c = rng.NextInt(classes);
            var angle = 2 * Math.PI * c / classes;
            points[2 * i] = (float)((2 * Math.Cos(angle)) + (0.5 * rng.NextGaussian()));
            points[(2 * i) + 1] = (float)((2 * Math.Sin(angle)) + (0.5 * rng.NextGaussian()));
            labels[i] = c;
        }

        return new TensorDataset(tensor(points, [count, 2]), tensor(labels, [count]));
    }
}
