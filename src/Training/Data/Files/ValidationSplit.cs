using Platform.Spec;
using Platform.Training.Runtime;

namespace Platform.Training.Data.Files;

/// <summary>
/// The held-out test set when the spec names no test file: a fraction of the training file's rows, drawn
/// from the job seed, so every rank and every restart holds out the same rows.
/// </summary>
public static class ValidationSplit
{
    // Negative, so it can never meet the sampler's epoch streams (1000 + epoch) or the synthetic sets' (1, 2).
    private const long Stream = -1;

    /// <summary>Row numbers of the rows kept for training and of those held out, each in file order.</summary>
    public static (long[] Train, long[] Test) Split(int count, double fraction, long seed)
    {
        if (count < 2)
        {
            throw new SpecException("data.validation_fraction", $"the training file has {count} sample(s): too few to hold out a test set; set data.test");
        }

        var held = (int)Math.Clamp(Math.Round(count * fraction), 1, count - 1);
        var rows = ShardSampler.Shuffle(count, SplitMix64.For(seed, Stream)).Select(r => (long)r).ToArray();
        return ([.. rows[held..].Order()], [.. rows[..held].Order()]);
    }
}
