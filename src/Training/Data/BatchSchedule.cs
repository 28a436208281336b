using System.Text.Json.Serialization;
using Platform.Spec;

namespace Platform.Training.Data;

/// <summary>
/// Where the run is in its data and how many samples its global batch takes. Each step reads the
/// next <see cref="Batch"/> positions of the epoch's permutation; an epoch ends when fewer than a
/// batch remain (the rest is dropped, as a fixed batch drops its last partial one), so with a fixed
/// batch the positions are exactly batch b at [b*B, (b+1)*B). With <c>adaptive_batch</c> the batch
/// doubles when the measured critical batch (the smoothed gradient noise scale) is at least twice it;
/// every rank reads the same averaged figures, so every rank changes at the same step.
/// </summary>
public sealed class BatchSchedule
{
    private readonly int count;
    private readonly int worldSize;
    private readonly AdaptiveBatchSpec spec;
    private List<BatchChange> changes = [];
    private int lastChange;

    public BatchSchedule(int count, int startBatch, int worldSize, AdaptiveBatchSpec spec)
    {
        this.count = count;
        this.worldSize = worldSize;
        this.spec = spec;
        Start = startBatch;
        Batch = startBatch;
    }

    /// <summary>The global batch the run started with (the spec's <c>batch_size</c>).</summary>
    public int Start { get; }

    /// <summary>The global batch of the next step.</summary>
    public int Batch { get; private set; }

    public int Epoch { get; private set; }

    /// <summary>Where in <see cref="Epoch"/>'s permutation the next batch starts.</summary>
    public int Cursor { get; private set; }

    /// <summary>Samples the run has stepped over (skipped batches included).</summary>
    public long Samples { get; private set; }

    /// <summary>The changes so far, in step order.</summary>
    public IReadOnlyList<BatchChange> Changes => changes;

    /// <summary>Batches of the current size in an epoch.</summary>
    public int BatchesPerEpoch => count / Batch;

    /// <summary>The run's progress in steps of the starting batch: the learning-rate schedule's clock (the step itself while the batch stays).</summary>
    public int Progress => (int)(Samples / Start);

    /// <summary>The fraction of epochs done.</summary>
    public double Epochs => Epoch + ((double)Cursor / (BatchesPerEpoch * Batch));

    /// <summary>Steps left at the current batch until <paramref name="epochs"/> epochs are done.</summary>
    public int StepsLeft(int epochs) =>
        Epoch >= epochs ? 0 : ((count - Cursor) / Batch) + ((epochs - Epoch - 1) * BatchesPerEpoch);

    /// <summary>The learning rate's factor for the current batch (1 at the starting batch).</summary>
    public double LrFactor(double? noiseScale) => Batch == Start ? 1 : spec.LrFactor(Batch, Start, noiseScale);

    /// <summary>After a step (or a skipped batch): moves past its samples, into the next epoch when too few remain.</summary>
    public void Advance()
    {
        Cursor += Batch;
        Samples += Batch;
        Wrap();
    }

    /// <summary>
    /// After update <paramref name="step"/> (1-based): doubles the batch (never past <c>max</c> or the
    /// training set, a multiple of the world size) when <paramref name="noiseScale"/> is at least twice
    /// it and the warm-up and interval have passed; the change, or null.
    /// </summary>
    public BatchChange? Consider(int step, double? noiseScale)
    {
        if (!spec.Enabled || noiseScale is not { } b || step < spec.Warmup || step - lastChange < spec.Interval || b < 2.0 * Batch)
        {
            return null;
        }

        var next = Math.Min(Math.Min(2 * Batch, spec.Max), count);
        next -= next % worldSize;
        if (next <= Batch)
        {
            return null;
        }

        var change = new BatchChange(step, Batch, next, b);
        changes.Add(change);
        (Batch, lastChange) = (next, step);
        Wrap();
        return change;
    }

    public BatchScheduleState Save() => new(Epoch, Cursor, Samples, Batch, lastChange, [.. changes]);

    /// <summary>Continues from a checkpoint's state; one written before the batch could change gives its step and place in the epoch instead.</summary>
    public void Restore(BatchScheduleState? state, int step, int epoch, int batchInEpoch)
    {
        state ??= new BatchScheduleState(epoch, batchInEpoch * Start, (long)step * Start, Start, 0, []);
        (Epoch, Cursor, Samples, lastChange, changes) = (state.Epoch, state.Cursor, state.Samples, state.LastChange, [.. state.Changes]);
        // A restart on a world size that does not divide the batch keeps the largest multiple of it below.
        Batch = Math.Max(worldSize, state.Batch - (state.Batch % worldSize));
        Wrap();
    }

    private void Wrap()
    {
        if (Cursor + Batch > count)
        {
            (Epoch, Cursor) = (Epoch + 1, 0);
        }
    }
}

/// <summary>After update <see cref="Step"/> the global batch went from <see cref="From"/> to <see cref="To"/>, the smoothed noise scale then being <see cref="NoiseScale"/>.</summary>
public sealed record BatchChange(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("from")] int From,
    [property: JsonPropertyName("to")] int To,
    [property: JsonPropertyName("noise_scale")] double NoiseScale);

/// <summary>A checkpoint's record of the batch schedule: the place in the data, the batch, and its changes so far.</summary>
public sealed record BatchScheduleState(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("cursor")] int Cursor,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("last_change")] int LastChange,
    [property: JsonPropertyName("changes")] IReadOnlyList<BatchChange> Changes);
