using Platform.Client.Jobs;
using Platform.Client.Reports;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;
using Platform.Training.Runtime;

namespace Platform.Client.Commands;

/// <summary><c>platform train SPEC</c>: runs a job to the end, in-process or on a cluster, and writes its summary.</summary>
internal static class TrainCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "resume" });
        var request = JobRequest.From(reader, TimeProvider.System);
        var summary = reader.Value("summary");
        var report = reader.Value("report") is { } r ? GradientReport.CheckPath(r, "--report") : null;
        var gateways = ClusterAddress.From(reader);
        var metricsPort = reader.Int("metrics-port", min: 1, max: 65535);
        reader.Done(maxPositionals: 1);
        if (metricsPort is not null && gateways is not null)
        {
            throw new UsageException("--metrics-port is for the silo inside `train`; with --cluster, each silo serves metrics (platform silo --metrics-port)");
        }

        if (metricsPort is { } port && !Endpoints.IsFree(port))
        {
            throw new UsageException($"--metrics-port {port} is in use; pick another port");
        }

        if (gateways is null)
        {
            // The silo inside this process has the default device: a GPU it cannot use is one line, before it starts.
            ComputeDevice.Open(ComputeDevice.Choose(request.Spec.Device, "cpu"));
        }

        await using var cluster = await ClusterConnection.OpenAsync(gateways, metricsPort ?? 0);
        if (metricsPort is not null)
        {
            await Console.Error.WriteLineAsync($"metrics on http://127.0.0.1:{metricsPort}/metrics");
        }

        return await JobRunner.RunAsync(cluster.Client, request, summary, report, TimeProvider.System);
    }
}
