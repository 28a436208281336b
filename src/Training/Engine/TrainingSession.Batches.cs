using Platform.Training.Data;
using Platform.Training.Health;

namespace Platform.Training.Engine;

/// <summary>Where the run is in its data, how large its global batch is, and <c>adaptive_batch</c> growing it.</summary>
public sealed partial class TrainingSession
{
    /// <summary>The run's length in steps; with <c>adaptive_batch</c>, the steps so far plus those left at the current batch.</summary>
    public int TotalSteps => spec.Steps ?? (Step + batches.StepsLeft(spec.Epochs!.Value));

    /// <summary>Steps of the current global batch in an epoch.</summary>
    public int BatchesPerEpoch => batches.BatchesPerEpoch;

    /// <summary>The global batch of the next step and the changes <c>adaptive_batch</c> made so far.</summary>
    public BatchSchedule Batches => batches;

    public double EpochsDone => batches.Epochs;

    /// <summary>After a step: lets <c>adaptive_batch</c> grow the batch toward the noise scale; the change's audit record, or null.</summary>
    private HealthRecord? AdaptBatch()
    {
        if (batches.Consider(Step, noise?.Value) is not { } change)
        {
            return null;
        }

        var rule = spec.AdaptiveBatch.LrRule;
        var factor = batches.LrFactor(change.NoiseScale);
        return new HealthRecord(
            Step,
            HealthRecordKind.Remedy,
            "adaptive_batch",
            [],
            change.NoiseScale,
            2.0 * change.From,
            $"global batch {change.From} -> {change.To} from step {Step + 1}: the critical batch is ~{change.NoiseScale:0}; learning rate x{factor:0.###} of the schedule's ({Spec.Choice.Name(rule)} rule)");
    }
}
