using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>Samples held as two tensors: inputs [N, ...] and targets [N] (class ids) or [N] (regression values).</summary>
public sealed class TensorDataset(Tensor inputs, Tensor targets)
{
    public Tensor Inputs { get; } = inputs;

    public Tensor Targets { get; } = targets;

    public int Count => (int)Inputs.shape[0];

    /// <summary>The first <paramref name="limit"/> samples, as views sharing storage.</summary>
    public TensorDataset Take(int? limit) =>
        limit is null || limit >= Count ? this : new TensorDataset(Inputs.narrow(0, 0, limit.Value), Targets.narrow(0, 0, limit.Value));

    public (Tensor Inputs, Tensor Targets) Batch(Tensor indices) => (Inputs.index_select(0, indices), Targets.index_select(0, indices));
}

/// <summary>Train and test splits of one dataset plus what a model needs to know about them.</summary>
public sealed record DatasetPair(TensorDataset Train, TensorDataset Test, long[] SampleShape, int Outputs, bool Regression);
