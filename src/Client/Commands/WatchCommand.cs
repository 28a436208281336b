using System.Globalization;
using Platform.Client.Jobs;
using Platform.Client.Output;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary>
/// <c>platform watch JOB --cluster ... [--interval S] [--once]</c>: a live per-layer table, redrawn as
/// steps arrive, until the job ends (or once, with <c>--once</c>).
/// </summary>
internal static class WatchCommand
{
    private const int TrendPoints = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string> { "once" });
        var address = JobAddress.From(reader, "watch");
        var once = reader.Flag("once");
        var interval = TimeSpan.FromSeconds(double.TryParse(reader.Value("interval") ?? "1", CultureInfo.InvariantCulture, out var s) && s is >= 0.1 and <= 3600
            ? s
            : throw new UsageException($"--interval must be a number of seconds between 0.1 and 3600 (got '{reader.Value("interval")}')"));
        reader.Done(maxPositionals: 1);

        await using var cluster = await ClusterConnection.OpenAsync(address.Cluster);
        var (job, progress) = await address.FindAsync(cluster.Client);
        var redraw = !Console.IsOutputRedirected && !once;
        var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            while (true)
            {
                var view = WatchView.Render(address.JobId, progress, await job.GetTelemetryAsync(TrendPoints)) + AlertsView.Render(await job.GetAuditAsync(), last: 8);
                await Console.Out.WriteAsync(redraw ? $"\u001b[H\u001b[2J{view}" : $"{view}\n");
                if (once || progress.State.IsTerminal() || stop.IsCancellationRequested)
                {
                    break;
                }

                progress = await job.WaitAsync(interval);
                if (progress.State == JobState.None)
                {
                    return await Cli.Print(JobRunner.Lost(address.JobId), Cli.Failed);
                }

                await Task.Delay(interval, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return Cli.Ok;
    }
}
