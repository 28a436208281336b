using Platform.Client.Jobs;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Client.Commands;

/// <summary><c>platform train SPEC</c>: runs a job to the end, in-process or on a cluster, and writes its summary.</summary>
internal static class TrainCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "resume" });
        var request = JobRequest.From(reader, TimeProvider.System);
        var summary = reader.Value("summary");
        var gateways = reader.Value("cluster") is { } c ? Endpoints.ParseList(c, "--cluster") : null;
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(gateways);
        return await JobRunner.RunAsync(cluster.Client, request, summary, TimeProvider.System);
    }
}
