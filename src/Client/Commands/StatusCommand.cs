using Platform.Client.Jobs;
using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform status|cancel JOB --cluster ...</c>.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string[] args, bool cancel)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var address = JobAddress.From(reader, cancel ? "cancel" : "status");
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(address.Cluster);
        var (job, progress) = await address.FindAsync(cluster.Client);
        if (cancel)
        {
            await job.CancelAsync();
            progress = await job.GetProgressAsync();
        }

        await Console.Out.WriteLineAsync($"{address.JobId}: {progress.State.Label()}");
        if (await job.GetSummaryAsync() is { } summary)
        {
            await Console.Out.WriteLineAsync(JobRunner.Describe(summary));
        }
        else
        {
            await Console.Out.WriteLineAsync(ProgressBar.Format(progress));
        }

        return Cli.Ok;
    }
}
