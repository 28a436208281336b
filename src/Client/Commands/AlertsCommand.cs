using Platform.Client.Jobs;
using Platform.Client.Output;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform alerts JOB --cluster ...</c>: the job's health findings and remedies, in step order.</summary>
internal static class AlertsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var address = JobAddress.From(reader, "alerts");
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(address.Cluster);
        var (job, _) = await address.FindAsync(cluster.Client);
        var audit = await job.GetAuditAsync();
        await Console.Out.WriteAsync(AlertsView.Render(audit));
        return Cli.Ok;
    }
}
