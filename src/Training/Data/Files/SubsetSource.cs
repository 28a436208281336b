using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>Some rows of another source, in the order given: the two parts of a split file, or the first N of a split.</summary>
public sealed class SubsetSource(ISampleSource inner, long[] rows) : ISampleSource
{
    public int Count => rows.Length;

    /// <summary>The first <paramref name="limit"/> samples of <paramref name="source"/>, or the source itself when it has no more.</summary>
    public static ISampleSource First(ISampleSource source, int? limit) =>
        limit is { } n && n < source.Count ? new SubsetSource(source, [.. Enumerable.Range(0, n).Select(i => (long)i)]) : source;

    public (Tensor Inputs, Tensor Targets) Batch(long[] indices) => inner.Batch([.. indices.Select(i => rows[i])]);

    public (Tensor Inputs, Tensor Targets) Range(int start, int count) => inner.Batch(rows[start..(start + count)]);
}
