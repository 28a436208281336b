using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>
/// Samples read by index: a rank asks only for the samples of its slice of each batch, so a source
/// backed by a file (memory-mapped) never needs the whole set in memory. Inputs are float32
/// <c>[n, ...sample shape]</c>; targets are int64 class ids <c>[n]</c>, or float32 <c>[n]</c> /
/// <c>[n, k]</c> for regression. Tensors are made in the caller's dispose scope.
/// </summary>
public interface ISampleSource
{
    int Count { get; }

    (Tensor Inputs, Tensor Targets) Batch(long[] indices);

    /// <summary>Samples [start, start + count), for evaluation in order.</summary>
    (Tensor Inputs, Tensor Targets) Range(int start, int count);
}
