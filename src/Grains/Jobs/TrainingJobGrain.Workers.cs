using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>What the ranks tell the coordinator: progress, checkpoints, and how each rank ended.</summary>
public sealed partial class TrainingJobGrain
{
    public async Task HealthPausedAsync(string reason)
    {
        if (Job.State == JobState.Running)
        {
            logger.LogWarning("Job {Job}: {Reason}", JobId, reason);
            Job.State = JobState.Paused;
            await record.WriteStateAsync();
        }
    }

    public Task ReportAsync(WorkerReport report)
    {
        Heard(report.Rank, report.Generation);
        if (report.Rank != 0 || report.Generation != Job.Generation)
        {
            return Task.CompletedTask;
        }

        if (Job.RecoveredAt(report.Step, clock.GetUtcNow()) is { } seconds)
        {
            // The first step completed after a recovery: how long the job stood still, as the coordinator saw it.
            Job.AddAudit([new AuditRecord(report.Step, RemedyNames.Recovered, $"training resumed {seconds:0.0} s after the job began restarting", Value: seconds, IsRemedy: true)]);
        }

        // A one-way report may land after the job has finished; its steps still belong to the history.
        if (report.Telemetry is { } steps)
        {
            telemetry.Add(steps);
        }

        if (!report.Health.IsDefaultOrEmpty)
        {
            Job.AddAudit(report.Health);
        }

        // A report with no steps only carries the health records of a rank that is failing.
        if (!Job.State.IsTerminal() && report.TotalSteps > 0)
        {
            Job.Progress = new JobProgressSnapshot(report.Step, report.Epoch, report.Loss, report.SamplesPerSecond);
            Job.TotalSteps = report.TotalSteps;
        }

        return Task.CompletedTask;
    }

    public async Task CheckpointWrittenAsync(CheckpointRecord checkpoint)
    {
        Job.LastCheckpoint = checkpoint;

        // Saved with each checkpoint too, so a coordinator that reactivates elsewhere keeps the history so far.
        Job.Telemetry = telemetry.Count > 0 ? telemetry.ToSeries() : Job.Telemetry;
        await record.WriteStateAsync();
    }

    public async Task WorkerCompletedAsync(WorkerOutcome outcome)
    {
        if (!IsRankOfThisStart(outcome.Rank, outcome.Generation))
        {
            logger.LogInformation("Job {Job}: ignored the completion of rank {Rank} of start {Generation} (the job is at start {Current} with {Workers} ranks)", JobId, outcome.Rank, outcome.Generation, Job.Generation, Job.Workers);
            return;
        }

        lastHeard.Remove(outcome.Rank);
        outcomes[outcome.Rank] = outcome;
        if (outcomes.Count == Job.Workers && !Job.State.IsTerminal())
        {
            Job.Progress = new JobProgressSnapshot(outcome.Steps, outcome.Epochs, outcome.FinalTrainLoss, outcome.SamplesPerSecond);
            Job.TotalSteps = outcome.Steps;
            await FinishAsync(JobState.Completed, null, FailureKind.None, outcomes[0]);
        }
    }

    public async Task WorkerFailedAsync(int rank, string error, FailureKind kind, int generation)
    {
        if (Job.State.IsTerminal() || !IsRankOfThisStart(rank, generation))
        {
            return;
        }

        logger.LogWarning("Job {Job} rank {Rank} failed: {Error}", JobId, rank, error);

        // A rank lost to the machinery (a peer's silo died, a link broke) is recoverable; a bad spec or a diverged run is not.
        if (kind == FailureKind.Internal && Job.Workers > 1)
        {
            await RecoverAsync($"rank {rank} lost ({error})");
            return;
        }

        await ForEachWorker(w => StopQuietlyAsync(w, CancelStopTimeout));
        await FinishAsync(JobState.Failed, Job.Workers > 1 ? $"rank {rank}: {error}" : error, kind, null);
    }

    /// <summary>
    /// Whether a rank's message is of this start: not of an earlier one (before a restart or a resize),
    /// not of a rank above the world size, and not while a restart is placing new ranks.
    /// </summary>
    private bool IsRankOfThisStart(int rank, int generation) =>
        generation == Job.Generation && rank >= 0 && rank < Job.Workers && restarting is null;

    public Task WorkerCancelledAsync(int rank, int step)
    {
        logger.LogInformation("Job {Job} rank {Rank} stopped at step {Step}", JobId, rank, step);
        return Task.CompletedTask;
    }
}
