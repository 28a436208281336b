namespace Platform.Training.Parallel;

/// <summary>A run of parameters (<see cref="First"/> to <see cref="Last"/>) whose gradients are averaged in one exchange: values [Start, Start + Count) of the flat buffer.</summary>
internal readonly record struct GradientBucket(int First, int Last, int Start, int Count);

/// <summary>
/// Groups parameters into buckets of about <c>capValues</c> values, from the last parameter back to
/// the first, the order in which backward produces their gradients; a parameter larger than the cap
/// is a bucket of its own. Every rank computes the same buckets from the same model, so they run the
/// same exchanges in the same order.
/// </summary>
internal static class GradientBuckets
{
    /// <summary>Buckets over <paramref name="sizes"/> (values per parameter, in parameter order); a cap of 0 makes one bucket.</summary>
    public static IReadOnlyList<GradientBucket> Of(IReadOnlyList<int> sizes, int capValues)
    {
        var offsets = new int[sizes.Count + 1];
        for (var i = 0; i < sizes.Count; i++)
        {
            offsets[i + 1] = offsets[i] + sizes[i];
        }

        var buckets = new List<GradientBucket>();
        var last = sizes.Count - 1;
        while (last >= 0)
        {
            var first = last;
            while (first > 0 && (capValues == 0 || offsets[last + 1] - offsets[first - 1] <= capValues))
            {
                first--;
            }

            buckets.Add(new GradientBucket(first, last, offsets[first], offsets[last + 1] - offsets[first]));
            last = first - 1;
        }

        return buckets;
    }
}
