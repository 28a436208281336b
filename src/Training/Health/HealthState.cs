using System.Text.Json.Serialization;

namespace Platform.Training.Health;

/// <summary>
/// Everything a <see cref="HealthMonitor"/> has learned so far, as saved in a checkpoint, so that a
/// resumed run decides exactly as the uninterrupted run would have.
/// </summary>
public sealed record HealthState(
    [property: JsonPropertyName("low_steps")] int[] LowSteps,
    [property: JsonPropertyName("spike_mean")] double SpikeMean,
    [property: JsonPropertyName("spike_variance")] double SpikeVariance,
    [property: JsonPropertyName("spike_seen")] int SpikeSeen,
    [property: JsonPropertyName("norms")] double[] Norms,
    [property: JsonPropertyName("losses")] float[] Losses,
    [property: JsonPropertyName("lr_scale")] double LrScale,
    [property: JsonPropertyName("last_lr_down")] int LastLrDown,
    [property: JsonPropertyName("rollbacks")] int Rollbacks,
    [property: JsonPropertyName("trust_mode")] bool TrustMode,
    [property: JsonPropertyName("skip_steps")] int[] SkipSteps,
    [property: JsonPropertyName("episodes")] Dictionary<string, AuditEpisode>? Episodes,
    [property: JsonPropertyName("previous_update")] float[]? PreviousUpdate,
    [property: JsonPropertyName("previous_weight")] float[]? PreviousWeight)
{
    /// <summary>Finite losses the plateau rule has seen (it keeps only the last two windows of <see cref="Losses"/>); 0 in older checkpoints, which kept them all.</summary>
    [JsonPropertyName("losses_seen")]
    public int LossesSeen { get; init; }

    /// <summary>Whether the run has taken its one data-driven re-initialisation.</summary>
    [JsonPropertyName("reinit_done")]
    public bool ReinitDone { get; init; }

    /// <summary>The run's first loss, which the <c>diverging</c> rule compares with; null before the first step and in older checkpoints.</summary>
    [JsonPropertyName("first_loss")]
    public float? FirstLoss { get; init; }

    /// <summary>Whether a finding has put the run under the <c>update_cap</c> trust region, which then holds for the rest of it.</summary>
    [JsonPropertyName("update_cap_armed")]
    public bool UpdateCapArmed { get; init; }

    /// <summary>The learning rate the schedule gave the last applied step, which the update-ratio minimum scales with.</summary>
    [JsonPropertyName("previous_learning_rate")]
    public double PreviousLearningRate { get; init; }

    /// <summary>The best periodic validation so far, for the overfit and overtraining rules; null before the first.</summary>
    [JsonPropertyName("best_validation")]
    public BestValidation? BestValidation { get; init; }
}

/// <summary>The best validation loss, its step, the mean training loss that led to it, and the evaluations since.</summary>
public sealed record BestValidation(
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("train_loss")] double TrainLoss,
    [property: JsonPropertyName("since")] int Since);
