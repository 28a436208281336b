using Platform.Client.Jobs;
using Platform.Client.Reports;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform report JOB --cluster ... --out FILE.png</c>: the gradient-norm picture of a job, running or done.</summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var address = JobAddress.From(reader, "report");
        var file = GradientReport.CheckPath(reader.Value("out") ?? throw new UsageException("report needs --out FILE.png"), "--out");
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(address.Cluster);
        var (job, _) = await address.FindAsync(cluster.Client);
        await Console.Out.WriteLineAsync(await GradientReport.WriteAsync(job, address.JobId, file));
        return Cli.Ok;
    }
}
