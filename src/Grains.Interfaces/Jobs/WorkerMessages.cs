using System.Collections.Immutable;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Grains.Interfaces.Jobs;

/// <summary>A worker's periodic progress report; rank 0's carries the telemetry of the steps since the last one.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerReport(
    [property: Id(0)] int Rank,
    [property: Id(1)] int Step,
    [property: Id(2)] double Epoch,
    [property: Id(3)] double Loss,
    [property: Id(4)] double SamplesPerSecond,
    [property: Id(5)] int TotalSteps,
    [property: Id(6)] TelemetrySeries? Telemetry = null,
    [property: Id(7)] ImmutableArray<AuditRecord> Health = default)
{
    /// <summary>The start of the job the report belongs to; reports of earlier starts are ignored.</summary>
    [Id(8)]
    public int Generation { get; init; }
}

/// <summary>A worker's final figures.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerOutcome(
    [property: Id(0)] int Rank,
    [property: Id(1)] int Steps,
    [property: Id(2)] double Epochs,
    [property: Id(3)] double FinalTrainLoss,
    [property: Id(4)] double TestAccuracy,
    [property: Id(5)] double TestLoss,
    [property: Id(6)] double ParameterL2,
    [property: Id(7)] double SamplesPerSecond,
    [property: Id(8)] double TrainSeconds,
    [property: Id(9)] ImmutableArray<double> LossHistory,
    [property: Id(10)] string? Transport = null,
    [property: Id(11)] int Threads = 0,
    [property: Id(12)] Dictionary<string, double>? PhaseMs = null)
{
    /// <summary>The start of the job the rank belonged to; outcomes of earlier starts are ignored.</summary>
    [Id(13)]
    public int Generation { get; init; }

    /// <summary>The periodic evaluations (<c>eval.interval</c>), in step order.</summary>
    [Id(14)]
    public ImmutableArray<ValidationPoint> Validations { get; init; } = [];

    /// <summary>The step of the best evaluation whose weights the run ended with (<c>eval.keep_best</c>), if they were put back.</summary>
    [Id(15)]
    public int? KeptStep { get; init; }

    /// <summary>The last smoothed gradient noise scale; null with one rank.</summary>
    [Id(16)]
    public double? NoiseScale { get; init; }

    /// <summary>The smoothed noise scale, sampled every few steps.</summary>
    [Id(17)]
    public ImmutableArray<NoiseScalePoint> NoiseScaleHistory { get; init; } = [];

    /// <summary>The global batch after each update where it changed (<c>adaptive_batch</c>), from the start.</summary>
    [Id(18)]
    public ImmutableArray<BatchStep> BatchSchedule { get; init; } = [];
}

/// <summary>From update <see cref="Step"/> on (0: the start) the global batch was <see cref="Batch"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchStep(
    [property: Id(0)] int Step,
    [property: Id(1)] int Batch);

/// <summary>The smoothed gradient noise scale after update <see cref="Step"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record NoiseScalePoint(
    [property: Id(0)] int Step,
    [property: Id(1)] double Value);

/// <summary>What the noise scale says of the job's batch size: the critical batch it measured, the batch trained with, and the advice in words.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchAdvice(
    [property: Id(0)] int? CriticalBatch,
    [property: Id(1)] int Batch,
    [property: Id(2)] string Text);

/// <summary>One periodic evaluation on the held-out validation samples, after update <see cref="Step"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ValidationPoint(
    [property: Id(0)] int Step,
    [property: Id(1)] double Loss,
    [property: Id(2)] double Accuracy);

/// <summary>A checkpoint written by rank 0.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointRecord(
    [property: Id(0)] int Step,
    [property: Id(1)] string File,
    [property: Id(2)] string Sha256);
