using System.Collections.Immutable;
using Orleans.Concurrency;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// Coordinates one training job (key: job id): owns the spec and lifecycle, starts one worker per
/// rank, gathers their reports, and keeps the result.
/// </summary>
public interface ITrainingJobGrain : IGrainWithStringKey
{
    /// <summary>Validates the spec, places the workers and starts them. Fails on a second submit.</summary>
    Task<JobProgress> SubmitAsync(JobSubmission submission);

    [AlwaysInterleave]
    Task<JobProgress> GetProgressAsync();

    /// <summary>Returns as soon as the job ends, or after <paramref name="maxWait"/> with the progress so far.</summary>
    [AlwaysInterleave]
    Task<JobProgress> WaitAsync(TimeSpan maxWait);

    [AlwaysInterleave]
    Task<JobSummary?> GetSummaryAsync();

    /// <summary>
    /// The job's per-step telemetry so far (kept after it ends), coarsened to at most
    /// <paramref name="maxPoints"/> rows; 0 returns everything kept.
    /// </summary>
    [AlwaysInterleave]
    Task<TelemetrySeries> GetTelemetryAsync(int maxPoints);

    /// <summary>The job's health audit so far: findings and remedies in step order.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<AuditRecord>> GetAuditAsync();

    /// <summary>From rank 0: the health policy paused the job; the ranks have paused themselves.</summary>
    Task HealthPausedAsync(string reason);

    /// <summary>Stops the workers at their next step boundary and waits until they have stopped.</summary>
    Task CancelAsync();

    Task PauseAsync();

    Task ResumeAsync();

    /// <summary>From a worker: progress since its last report.</summary>
    [OneWay]
    Task ReportAsync(WorkerReport report);

    /// <summary>From rank 0: a checkpoint landed on disk. One-way so a checkpoint never waits on the coordinator.</summary>
    [OneWay]
    Task CheckpointWrittenAsync(CheckpointRecord checkpoint);

    /// <summary>From a worker: it finished all its steps.</summary>
    Task WorkerCompletedAsync(WorkerOutcome outcome);

    /// <summary>From a worker of start <paramref name="generation"/>: it stopped with an error.</summary>
    Task WorkerFailedAsync(int rank, string error, FailureKind kind, int generation);

    /// <summary>From a worker: it stopped because the job was cancelled.</summary>
    Task WorkerCancelledAsync(int rank, int step);

    /// <summary>
    /// From a silo that is shutting down (SIGTERM) and hosts ranks of this job: place no rank there
    /// again. Its ranks then agree in their next collective to stop after that step.
    /// </summary>
    Task SiloDrainingAsync(SiloAddress silo);

    /// <summary>
    /// From a worker of start <paramref name="generation"/>: the ranks stopped together after
    /// <paramref name="step"/> because a silo is draining; rank 0 has written the checkpoint of that step.
    /// </summary>
    Task WorkerDrainedAsync(int rank, int step, int generation);
}
