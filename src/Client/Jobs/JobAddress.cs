using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;

namespace Platform.Client.Jobs;

/// <summary>A job named on the command line (<c>JOB --cluster HOST:PORT,...</c>) and how to reach it.</summary>
internal sealed record JobAddress(string JobId, ClusterAddress Cluster)
{
    public static JobAddress From(ArgReader reader, string command) => new(
        reader.Positional(0, "JOB (a job id)"),
        ClusterAddress.From(reader, command)!);

    /// <summary>The job's grain, after checking that the cluster knows the job.</summary>
    public async Task<(ITrainingJobGrain Job, JobProgress Progress)> FindAsync(IClusterClient client)
    {
        var job = client.GetGrain<ITrainingJobGrain>(JobId);
        var progress = await job.GetProgressAsync();
        return progress.State == JobState.None
            ? throw new UsageException($"no job '{JobId}' on this cluster")
            : (job, progress);
    }
}
