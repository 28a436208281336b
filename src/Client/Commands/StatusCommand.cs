using Platform.Client.Jobs;
using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Client.Commands;

/// <summary><c>platform status|cancel JOB --cluster ...</c>.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string[] args, bool cancel)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var jobId = reader.Positional(0, "JOB (a job id)");
        var gateways = Endpoints.ParseList(reader.Value("cluster") ?? throw new UsageException("needs --cluster HOST:PORT,..."), "--cluster");
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(gateways);
        var job = cluster.Client.GetGrain<ITrainingJobGrain>(jobId);
        if (cancel)
        {
            await job.CancelAsync();
        }

        var progress = await job.GetProgressAsync();
        if (progress.State == JobState.None)
        {
            return await Cli.Print($"error: no job '{jobId}' on this cluster", Cli.BadInput);
        }

        await Console.Out.WriteLineAsync($"{jobId}: {progress.State.Label()}");
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
