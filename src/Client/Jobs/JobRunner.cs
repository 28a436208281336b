using System.Globalization;
using Platform.Client.Output;
using Platform.Client.Reports;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Jobs;

/// <summary>Submits a job, shows its progress until it ends, then reports and saves the summary.</summary>
internal static class JobRunner
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static Task<int> RunAsync(IClusterClient client, JobRequest request, string? summaryFile, string? reportFile, TimeProvider clock) =>
        RunAsync(client.GetGrain<ITrainingJobGrain>(request.JobId), request, summaryFile, reportFile, clock);

    internal static async Task<int> RunAsync(ITrainingJobGrain job, JobRequest request, string? summaryFile, string? reportFile, TimeProvider clock) =>
        (await ExecuteAsync(job, request, summaryFile, reportFile, clock)).ExitCode;

    /// <summary>Runs the job to its end as <see cref="RunAsync(IClusterClient, JobRequest, string?, string?, TimeProvider)"/> does, and returns its summary with the exit code.</summary>
    internal static async Task<JobOutcome> ExecuteAsync(ITrainingJobGrain job, JobRequest request, string? summaryFile, string? reportFile, TimeProvider clock)
    {
        var progress = await job.SubmitAsync(request.Submission);
        if (progress.FailureKind != FailureKind.None)
        {
            return new(await Cli.Print($"error: {progress.Error}", progress.FailureKind == FailureKind.BadInput ? Cli.BadInput : Cli.Failed), null);
        }

        await Console.Error.WriteLineAsync($"job {request.JobId}: {request.Spec.Model.Kind} on {request.Spec.Data.Dataset}, {request.Spec.Workers} worker(s)");
        var bar = ProgressBar.ForConsole(clock);
        var interrupted = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted = true;
            _ = job.CancelAsync();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            while (!progress.State.IsTerminal())
            {
                progress = await job.WaitAsync(Poll);
                if (progress.State == JobState.None)
                {
                    bar.Finish(progress);
                    return new(await Cli.Print(Lost(request.JobId), Cli.Failed), null);
                }

                bar.Show(progress);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        bar.Finish(progress);
        var summary = await job.GetSummaryAsync();
        if (summary is not null)
        {
            await Console.Error.WriteLineAsync(Describe(summary));
            if (summaryFile is not null)
            {
                SummaryWriter.Write(summaryFile, summary);
            }
        }

        if (reportFile is not null && progress.State != JobState.None)
        {
            await Console.Error.WriteLineAsync(await GradientReport.WriteAsync(job, request.JobId, reportFile));
        }

        return new(
            progress.State switch
            {
                JobState.Completed => Cli.Ok,
                JobState.Cancelled when interrupted => Cli.Interrupted,
                JobState.Failed => await Cli.Print($"error: {progress.Error}", progress.FailureKind == FailureKind.BadInput ? Cli.BadInput : Cli.Failed),
                _ => Cli.Failed,
            },
            summary);
    }

    /// <summary>What to say when the cluster answers for the job but no longer has its record.</summary>
    internal static string Lost(string jobId) =>
        $"error: the cluster no longer knows job {jobId}: the silo of its coordinator stopped and the job storage kept nothing (silos started with --storage redis or postgres keep jobs when a silo is lost)";

    internal static string Describe(JobSummary s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.Status.Label()}: {s.Steps} steps ({s.Epochs:0.##} epochs) in {s.TrainSeconds:0.0} s, train loss {Figure(s.FinalTrainLoss, "0.0000")}, test accuracy {Figure(s.TestAccuracy, "0.0000")}, {s.SamplesPerSecond:N0} samples/s, parameter L2 {Figure(s.ParameterL2, "0.######")}");

    /// <summary>A figure in <paramref name="format"/>, or "n/a" when it does not exist (NaN, infinite).</summary>
    internal static string Figure(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>How a job run from the command line ended: the exit code the command returns and the job's summary, when it has one.</summary>
internal sealed record JobOutcome(int ExitCode, JobSummary? Summary);
