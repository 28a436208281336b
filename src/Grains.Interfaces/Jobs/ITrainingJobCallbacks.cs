using Orleans.Concurrency;

namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// The job coordinator (key: job id) as its ranks and silos reach it: progress, checkpoints, how
/// each rank ended, and silos draining. Every message of a rank names its start (generation): the
/// coordinator ignores those of other starts.
/// </summary>
public interface ITrainingJobCallbacks : IGrainWithStringKey
{
    /// <summary>From rank 0: the health policy paused the job; the ranks have paused themselves.</summary>
    Task HealthPausedAsync(string reason);

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
