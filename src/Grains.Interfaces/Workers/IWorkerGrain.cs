using Platform.Grains.Interfaces.Collectives;

namespace Platform.Grains.Interfaces.Workers;

/// <summary>
/// One rank of a job (key: <c>{job}/{generation}/{rank}</c>, see <see cref="KeyFor"/>): owns a model replica, its optimizer and its data
/// shard, and runs the step loop until the job's steps are done or it is told to stop.
/// </summary>
public interface IWorkerGrain : ICollectivePeer
{
    /// <summary>Builds the replica and starts its step loop (stopping any earlier loop first).</summary>
    Task StartAsync(WorkerAssignment assignment);

    /// <summary>Stops the step loop at the next step boundary; returns once it has stopped.</summary>
    Task CancelAsync();

    /// <summary>Asks, in the next step's collective, that every rank pause after that step: all ranks stop at one boundary.</summary>
    Task PauseAsync();

    Task ResumeAsync();

    /// <summary>
    /// Asks, in the next step's collective, that every rank stop after that step; rank 0 then
    /// checkpoints it and tells the job (<c>WorkerDrainedAsync</c>), which restarts the ranks.
    /// </summary>
    Task StopTogetherAsync();

    /// <summary>
    /// A rank's grain key. Each start of a job (a resume, a recovery) uses fresh keys, so a rank is
    /// never routed to an activation left on a silo that died.
    /// </summary>
    static string KeyFor(string jobId, int generation, int rank) => $"{jobId}/{generation}/{rank}";
}
