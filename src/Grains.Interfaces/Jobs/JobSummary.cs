using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Jobs;

/// <summary>The result of a finished job; the command line writes it as the summary JSON.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSummary(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState Status,
    [property: Id(2)] double Epochs,
    [property: Id(3)] int Steps,
    [property: Id(4)] double FinalTrainLoss,
    [property: Id(5)] double TestAccuracy,
    [property: Id(6)] double TestLoss,
    [property: Id(7)] double SamplesPerSecond,
    [property: Id(8)] int Workers,
    [property: Id(9)] double ParameterL2,
    [property: Id(10)] double TrainSeconds,
    [property: Id(11)] ImmutableArray<AuditRecord> Findings,
    [property: Id(12)] ImmutableArray<AuditRecord> Remedies,
    [property: Id(13)] ImmutableArray<double> LossHistory,
    [property: Id(14)] string? Error,
    [property: Id(15)] string? LastCheckpoint,
    [property: Id(16)] ImmutableArray<string> Silos,
    [property: Id(17)] ImmutableArray<double> RankParameterL2 = default,
    [property: Id(18)] string? Transport = null,
    [property: Id(19)] int Threads = 0,
    [property: Id(20)] Dictionary<string, double>? PhaseMs = null,
    [property: Id(21)] int AuditOmitted = 0)
{
    /// <summary>The periodic evaluations, in step order; empty without <c>eval.interval</c>.</summary>
    [Id(22)]
    public ImmutableArray<ValidationPoint> Validations { get; init; } = [];

    /// <summary>The step of the best evaluation when its weights were put back at the end (<c>eval.keep_best</c>).</summary>
    [Id(23)]
    public int? KeptStep { get; init; }

    /// <summary>The last smoothed gradient noise scale B_simple; null with one rank.</summary>
    [Id(24)]
    public double? GradientNoiseScale { get; init; }

    /// <summary>The smoothed noise scale, sampled every few steps.</summary>
    [Id(25)]
    public ImmutableArray<NoiseScalePoint> GradientNoiseScaleHistory { get; init; } = [];

    /// <summary>What the noise scale says of the batch size; null for a job that did not finish.</summary>
    [Id(26)]
    public BatchAdvice? Advice { get; init; }

    /// <summary>The global batch from each update where it changed (<c>adaptive_batch</c>), from the start; empty for a job that did not finish.</summary>
    [Id(27)]
    public ImmutableArray<BatchStep> BatchSchedule { get; init; } = [];
}

/// <summary>
/// One finding or remedy: at which step, which rule or action (<see cref="Kind"/>), the layers
/// concerned, the measured value against its threshold, and the remedy's parameters in words.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditRecord(
    [property: Id(0)] int Step,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Detail,
    [property: Id(3)] ImmutableArray<string> Layers = default,
    [property: Id(4)] double Value = double.NaN,
    [property: Id(5)] double Threshold = double.NaN,
    [property: Id(6)] bool IsRemedy = false);
