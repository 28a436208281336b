using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Placement;
using Platform.Spec;
using Platform.Training.Checkpoints;

namespace Platform.Grains.Jobs;

/// <summary>
/// The job's restarts: after a lost or stalled rank, and when a silo drains. Stop what is left, find
/// the silos that answer, place the ranks again (<see cref="RestartPlanner"/>), restart from a
/// checkpoint. Waiting for silos happens between turns, on a timer, so a cancel or a status call is
/// served meanwhile.
/// </summary>
public sealed partial class TrainingJobGrain
{
    private static readonly TimeSpan RecoveryStopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SiloPingTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MembershipWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PlacementRetry = TimeSpan.FromMilliseconds(500);
    private readonly HashSet<SiloAddress> draining = [];
    private PendingRestart? restarting;
    private IGrainTimer? placing;

    public async Task SiloDrainingAsync(SiloAddress silo)
    {
        draining.Add(silo);

        // Paused ranks step no more, so they could not stop together: let them run until they do;
        // the restart pauses the new ranks again.
        if (Job.State == JobState.Paused && restarting is null)
        {
            await ForEachWorker(w => w.ResumeAsync());
        }
    }

    public Task WorkerDrainedAsync(int rank, int step, int generation)
    {
        // Rank 0 reports once its checkpoint of that step is on disk; the other ranks only stopped.
        if (rank != 0 || generation != Job.Generation || Job.State.IsTerminal() || restarting is not null)
        {
            return Task.CompletedTask;
        }

        // Moved off this call so the draining silo's shutdown does not wait on the restart.
        var (cause, kind) = StoppedTogether(step);
        this.RegisterGrainTimer(
            _ => RestartAsync(cause, kind, step, isRecovery: false),
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    /// <summary>After a lost or stalled rank: restarts from the last good checkpoint, at most <c>recovery.max_recoveries</c> times.</summary>
    private async Task RecoverAsync(string cause)
    {
        if (restarting is not null)
        {
            return;
        }

        if (RestartPlanner.RecoveryLimit(Spec(), Job.Recoveries, cause) is { } limit)
        {
            await ForEachWorker(w => StopQuietlyAsync(w, RecoveryStopTimeout));
            await FinishAsync(JobState.Failed, limit, FailureKind.Internal, null);
            return;
        }

        // The last step the coordinator heard of; a coordinator that was itself lost may have heard of fewer.
        await RestartAsync(cause, RemedyNames.Recovery, Job.Progress?.Step ?? 0, isRecovery: true);
    }

    /// <summary>
    /// Stops what is left of this start, then places the job again as a new generation (fresh grain
    /// keys, so nothing is routed to a dead silo). Global batch and data order stay as they were, so
    /// the run continues as if uninterrupted.
    /// </summary>
    private async Task RestartAsync(string cause, string kind, int lostAtStep, bool isRecovery)
    {
        if (Job.State.IsTerminal() || restarting is not null)
        {
            return;
        }

        var spec = Spec();
        growTo = null;
        // A drain has its checkpoint of the very step; with nowhere to go, the job stops there rather than wait.
        var wait = isRecovery ? TimeSpan.FromSeconds(spec.Recovery.ReplacementWaitSeconds) : TimeSpan.Zero;
        restarting = new PendingRestart(cause, kind, lostAtStep, isRecovery, clock.GetUtcNow(), wait);
        await ForEachWorker(w => StopQuietlyAsync(w, RecoveryStopTimeout));
        await TryRestartAsync();
    }

    /// <summary>
    /// One placement attempt. Until membership no longer lists silos that do not answer (new
    /// activations could still be routed to them) and enough silos answer, or the waits are over,
    /// it is tried again on a timer.
    /// </summary>
    private async Task TryRestartAsync()
    {
        if (restarting is not { } pending)
        {
            return;
        }

        if (Job.State.IsTerminal())
        {
            EndRestart();
            return;
        }

        var spec = Spec();
        var live = await LiveSilosAsync();
        var waited = clock.GetUtcNow() - pending.Started;
        var settled = waited >= MembershipWait || await MembershipSettledAsync(live);
        if (!settled || (RestartPlanner.WorldSize(spec, live.Count) is null && waited < pending.Wait))
        {
            placing ??= this.RegisterGrainTimer(_ => TryRestartAsync(), new GrainTimerCreationOptions(PlacementRetry, PlacementRetry));
            return;
        }

        EndRestart();
        var skipped = new List<CheckpointEntry>();
        var latest = new CheckpointDirectory(Job.CheckpointDir).Latest(CheckpointFile.Verify, skipped);
        var plan = RestartPlanner.Plan(new RestartRequest(
            spec, pending.Cause, pending.Kind, pending.IsRecovery, pending.LostAtStep, Job.Workers, Job.Recoveries, live, latest?.Entry.Step, [.. skipped.Select(s => s.Step)]));
        if (!plan.Restarts)
        {
            await FinishAsync(JobState.Failed, plan.Failure, FailureKind.Internal, null);
            return;
        }

        var size = plan.World!.Value;
        Job.Generation++;
        Job.Recoveries += pending.IsRecovery ? 1 : 0;
        Job.Workers = size;
        Job.RecoveryStartedUtc = pending.Started;
        Job.RecoveryFromStep = plan.FromStep;
        Job.Silos = [.. plan.Layout.Select(s => s.ToParsableString())];
        Job.AddAudit([new AuditRecord(plan.AtStep, pending.Kind, plan.Audit, Value: plan.AtStep - plan.FromStep, IsRemedy: true)]);
        await record.WriteStateAsync();
        logger.LogWarning("Job {Job}: {Kind}: {Cause}; restarting {Workers} ranks on {Silos}", JobId, pending.Kind, pending.Cause, size, string.Join(", ", Job.Silos));
        await StartRanksAsync(size, plan.Layout, latest?.File);
        if (Job.State == JobState.Paused)
        {
            await ForEachWorker(w => w.PauseAsync());
        }
    }

    /// <summary>No restart is pending any more (placed, given up, or the job was cancelled meanwhile).</summary>
    private void EndRestart()
    {
        restarting = null;
        placing?.Dispose();
        placing = null;
    }

    /// <summary>Whether membership lists no active silo beyond those that answered (or are draining).</summary>
    private async Task<bool> MembershipSettledAsync(List<SiloAddress> live)
    {
        var active = (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys;
        return active.All(s => live.Contains(s) || draining.Contains(s));
    }

    /// <summary>Active silos, not draining, that answer a management call within a couple of seconds.</summary>
    private async Task<List<SiloAddress>> LiveSilosAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.Where(s => !draining.Contains(s)).ToList();
        var answers = await Task.WhenAll(hosts.Select(async silo =>
        {
            try
            {
                await management.GetRuntimeStatistics([silo]).WaitAsync(SiloPingTimeout);
                return silo;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return null;
            }
        }));
        return [.. answers.OfType<SiloAddress>()];
    }

    /// <summary>A restart under way: why, since when (wall clock), and how long it may wait for silos.</summary>
    private sealed record PendingRestart(string Cause, string Kind, int LostAtStep, bool IsRecovery, DateTimeOffset Started, TimeSpan Wait);
}
