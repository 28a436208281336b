using Platform.Client.Jobs;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform submit SPEC --cluster ...</c>: starts a job and prints its id.</summary>
internal static class SubmitCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "resume" });
        var request = JobRequest.From(reader, TimeProvider.System);
        var gateways = ClusterAddress.From(reader, "submit");
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(gateways);
        var progress = await cluster.Client.GetGrain<ITrainingJobGrain>(request.JobId).SubmitAsync(request.Submission);
        return progress.FailureKind == FailureKind.None
            ? await Cli.Print(request.JobId, Cli.Ok)
            : await Cli.Print($"error: {progress.Error}", progress.FailureKind == FailureKind.BadInput ? Cli.BadInput : Cli.Failed);
    }
}
