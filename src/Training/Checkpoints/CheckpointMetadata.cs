using System.Text.Json.Serialization;

namespace Platform.Training.Checkpoints;

/// <summary>
/// What a checkpoint records besides tensors. The data order is a pure function of (seed, epoch), so
/// the step plus the seed is the whole random state training needs to continue identically; the
/// health monitor's running statistics come along so its decisions continue identically too.
/// </summary>
public sealed record CheckpointMetadata(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("batch_in_epoch")] int BatchInEpoch,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("optimizer_updates")] long OptimizerUpdates,
    [property: JsonPropertyName("world_size")] int WorldSize,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("loss_history")] float[] LossHistory,
    [property: JsonPropertyName("health")] Health.HealthState? Health = null)
{
    /// <summary>How raw inputs were turned into the model's inputs; exports write it into their metadata.</summary>
    [JsonPropertyName("normalization")]
    public Data.InputNormalization? Normalization { get; init; }

    /// <summary>One sample's shape, without the batch dimension.</summary>
    [JsonPropertyName("input_shape")]
    public long[]? InputShape { get; init; }

    [JsonPropertyName("outputs")]
    public int? Outputs { get; init; }

    /// <summary>The place in the data and the global batch (which <c>adaptive_batch</c> changes); absent in checkpoints of earlier versions.</summary>
    [JsonPropertyName("batch_schedule")]
    public Data.BatchScheduleState? BatchSchedule { get; init; }

    /// <summary>The gradient noise scale's moving averages, with two or more ranks.</summary>
    [JsonPropertyName("noise_scale")]
    public Telemetry.NoiseScaleState? NoiseScale { get; init; }
}
