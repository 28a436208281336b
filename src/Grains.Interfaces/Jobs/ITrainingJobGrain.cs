using System.Collections.Immutable;
using Orleans.Concurrency;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// Coordinates one training job (key: job id): owns the spec and lifecycle, starts one worker per
/// rank, gathers their reports, and keeps the result. What clients call; the ranks and silos talk
/// to the same grain through <see cref="ITrainingJobCallbacks"/>.
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

    /// <summary>Stops the workers at their next step boundary and waits until they have stopped.</summary>
    Task CancelAsync();

    Task PauseAsync();

    Task ResumeAsync();
}
