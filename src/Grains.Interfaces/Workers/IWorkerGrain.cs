using Platform.Grains.Interfaces.Collectives;

namespace Platform.Grains.Interfaces.Workers;

/// <summary>
/// One rank of a job (key: <c>{job}/{rank}</c>): owns a model replica, its optimizer and its data
/// shard, and runs the step loop until the job's steps are done or it is told to stop.
/// </summary>
public interface IWorkerGrain : ICollectivePeer
{
    /// <summary>Builds the replica and starts its step loop (stopping any earlier loop first).</summary>
    Task StartAsync(WorkerAssignment assignment);

    /// <summary>Stops the step loop at the next step boundary; returns once it has stopped.</summary>
    Task CancelAsync();

    Task PauseAsync();


    Task ResumeAsync();

    static string KeyFor(string jobId, int rank) => $"{jobId}/{rank}";
}
