using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>Samples held in memory as two tensors: inputs [N, ...] and targets [N] (class ids) or [N] / [N, k] (regression values).</summary>
public sealed class TensorDataset(Tensor inputs, Tensor targets) : ISampleSource
{
    public Tensor Inputs { get; } = inputs;

    public Tensor Targets { get; } = targets;

    public int Count => (int)Inputs.shape[0];

    /// <summary>The first <paramref name="limit"/> samples, as views sharing storage.</summary>
    public TensorDataset Take(int? limit) =>
        limit is null || limit >= Count ? this : new TensorDataset(Inputs.narrow(0, 0, limit.Value), Targets.narrow(0, 0, limit.Value));

    public (Tensor Inputs, Tensor Targets) Batch(long[] indices)
    {
        var index = tensor(indices);
        return (Inputs.index_select(0, index), Targets.index_select(0, index));
    }

    public (Tensor Inputs, Tensor Targets) Range(int start, int count) => (Inputs.narrow(0, start, count), Targets.narrow(0, start, count));
}

/// <summary>
/// Train and test splits of one dataset plus what a model needs to know about them; <paramref name="Normalization"/>
/// says how raw inputs were turned into what the model sees, for checkpoints and exports.
/// </summary>
public sealed record DatasetPair(ISampleSource Train, ISampleSource Test, long[] SampleShape, int Outputs, bool Regression, InputNormalization? Normalization = null)
{
    /// <summary>
    /// The same data under the normalisation a checkpoint was trained with, so a resumed run and its
    /// evaluation see exactly the inputs the model was trained on, even if the files changed since.
    /// </summary>
    public DatasetPair WithNormalization(InputNormalization? saved)
    {
        if (saved is null || Normalization is null || saved.SameAs(Normalization))
        {
            return this;
        }

        return Train is NormalizingSource train && Test is NormalizingSource test
            ? this with { Train = train.With(saved), Test = test.With(saved), Normalization = saved }
            : this;
    }
}
