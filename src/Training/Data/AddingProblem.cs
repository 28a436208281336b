using Platform.Training.Runtime;
using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>
/// The adding problem (Hochreiter and Schmidhuber): each step carries a value in [0, 1) and a marker;
/// exactly two steps are marked and the target is the sum of their values. Long sequences make
/// the gradient travel far back in time.
/// </summary>
public static class AddingProblem
{
    public static TensorDataset Make(int count, int length, long seed, long stream)
    {
        var rng = SplitMix64.For(seed, stream);
        var data = new float[count * length * 2];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            var first = rng.NextInt(length / 2);
            var second = (length / 2) + rng.NextInt(length - (length / 2));
            for (var t = 0; t < length; t++)
            {
                var at = ((i * length) + t) * 2;
                data[at] = (float)rng.NextDouble();
                data[at + 1] = t == first || t == second ? 1f : 0f;
            }

            targets[i] = data[((i * length) + first) * 2] + data[((i * length) + second) * 2];
        }

        return new TensorDataset(tensor(data, [count, length, 2]), tensor(targets, [count]));
    }
}
