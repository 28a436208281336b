using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>Applies an <see cref="InputNormalization"/> to every batch of a raw source, so the statistics can be swapped for a checkpoint's.</summary>
public sealed class NormalizingSource : ISampleSource
{
    private readonly ISampleSource raw;
    private readonly long[] sampleShape;
    private readonly Tensor mean;
    private readonly Tensor std;

    public NormalizingSource(ISampleSource raw, long[] sampleShape, InputNormalization normalization)
    {
        this.raw = raw;
        this.sampleShape = sampleShape;
        Normalization = normalization;
        mean = Shaped(normalization.Mean);
        std = Shaped(normalization.Std);
    }

    public InputNormalization Normalization { get; }

    public int Count => raw.Count;

    public NormalizingSource With(InputNormalization normalization) => new(raw, sampleShape, normalization);

    public (Tensor Inputs, Tensor Targets) Batch(long[] indices) => Normalize(raw.Batch(indices));

    public (Tensor Inputs, Tensor Targets) Range(int start, int count) => Normalize(raw.Range(start, count));

    private (Tensor, Tensor) Normalize((Tensor Inputs, Tensor Targets) batch) => (batch.Inputs.sub(mean).div_(std), batch.Targets);

    // Kept for the source's lifetime, outside any step's dispose scope.
    private Tensor Shaped(float[] values) => (values.Length == 1 ? tensor(values) : tensor(values, sampleShape)).DetachFromDisposeScope();
}
