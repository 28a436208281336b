using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Placement;
using Platform.Spec;
using Platform.Training.Checkpoints;

namespace Platform.Grains.Jobs;

/// <summary>The job's restarts: after a lost or stalled rank, and when a silo drains. Find the silos that answer, place the ranks again, restart from a checkpoint.</summary>
public sealed partial class TrainingJobGrain
{
    private static readonly TimeSpan RecoveryStopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SiloPingTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MembershipWait = TimeSpan.FromSeconds(30);
    private readonly HashSet<SiloAddress> draining = [];

    public async Task SiloDrainingAsync(SiloAddress silo)
    {
        draining.Add(silo);

        // Paused ranks step no more, so they could not stop together: let them run until they do;
        // the restart pauses the new ranks again.
        if (Job.State == JobState.Paused)
        {
            await ForEachWorker(w => w.ResumeAsync());
        }
    }

    public Task WorkerDrainedAsync(int rank, int step, int generation)
    {
        // Rank 0 reports once its checkpoint of that step is on disk; the other ranks only stopped.
        if (rank != 0 || generation != Job.Generation || Job.State.IsTerminal())
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
        var spec = Spec();
        if (Job.Recoveries >= spec.Recovery.MaxRecoveries)
        {
            await ForEachWorker(w => StopQuietlyAsync(w, RecoveryStopTimeout));
            await FinishAsync(JobState.Failed, $"{cause}; not recovered: the job already recovered {Job.Recoveries} time(s) (recovery.max_recoveries)", FailureKind.Internal, null);
            return;
        }

        // The last step the coordinator heard of; a coordinator that was itself lost may have heard of fewer.
        await RestartAsync(cause, "recovery", Job.LastReport?.Step ?? 0, isRecovery: true);
    }

    /// <summary>
    /// Stops what is left of this start, finds the silos that answer (not draining), chooses the world
    /// size, and restarts every rank from the last good checkpoint as a new generation (fresh grain
    /// keys, so nothing is routed to a dead silo). Global batch and data order stay as they were, so
    /// the run continues as if uninterrupted.
    /// </summary>
    private async Task RestartAsync(string cause, string kind, int lostAtStep, bool isRecovery)
    {
        if (Job.State.IsTerminal())
        {
            return;
        }

        var started = TimeProvider.System.GetTimestamp();
        var spec = Spec();
        growTo = null;
        await ForEachWorker(w => StopQuietlyAsync(w, RecoveryStopTimeout));
        // A drain has its checkpoint of the very step; with nowhere to go, the job stops there rather than wait.
        var wait = isRecovery ? TimeSpan.FromSeconds(spec.Recovery.ReplacementWaitSeconds) : TimeSpan.Zero;
        var (live, world) = await PlaceAsync(spec, wait);
        if (world is not { } size)
        {
            var need = spec.Elastic is { } e ? $"at least {e.Min} rank(s) (elastic.min)" : $"{spec.Workers} rank(s)";
            var left = $"{live.Count} silo(s) left, not enough for {need} at placement.ranks_per_silo {spec.Placement.RanksPerSilo}";
            await FinishAsync(
                JobState.Failed,
                isRecovery
                    ? $"{cause}; not recovered: {left}, and none joined within {spec.Recovery.ReplacementWaitSeconds} s (recovery.replacement_wait_seconds)"
                    : $"{cause}; stopped: {left}; the checkpoint of step {lostAtStep} is kept, resubmit with --resume to go on",
                FailureKind.Internal,
                null);
            return;
        }

        var layout = RankLayout.Assign(live, size, spec.Placement.RanksPerSilo);
        var skipped = new List<CheckpointEntry>();
        var latest = new CheckpointDirectory(Job.CheckpointDir).Latest(CheckpointFile.Verify, skipped);
        var fromStep = latest?.Entry.Step ?? 0;
        var resized = size != Job.Workers ? $"; world size {Job.Workers} -> {size}, global batch {spec.BatchSize} kept" : "";
        var corrupt = skipped.Count > 0 ? $"; skipped corrupt checkpoint(s) of step {string.Join(", ", skipped.Select(s => s.Step))} (checksum mismatch)" : "";
        Job.Generation++;
        Job.Recoveries += isRecovery ? 1 : 0;
        Job.Workers = size;
        Job.RecoveryStartedAt = started;
        Job.RecoveryFromStep = fromStep;
        Job.Silos = [.. layout.Select(s => s.ToParsableString())];
        var lost = Math.Max(lostAtStep, fromStep);
        var count = isRecovery ? $"; recovery {Job.Recoveries} of {spec.Recovery.MaxRecoveries}" : "";
        Job.Audit.Add(new AuditRecord(
            lost,
            kind,
            $"{cause}; {size} ranks restarted on {live.Count} silo(s) from the checkpoint of step {fromStep}{resized}{corrupt}{count}",
            Value: lost - fromStep,
            IsRemedy: true));
        await record.WriteStateAsync();
        logger.LogWarning("Job {Job}: {Kind}: {Cause}; restarting {Workers} ranks on {Silos}", JobId, kind, cause, size, string.Join(", ", Job.Silos));
        await StartRanksAsync(size, layout, latest?.File);
        if (Job.State == JobState.Paused)
        {
            await ForEachWorker(w => w.PauseAsync());
        }
    }

    /// <summary>
    /// The silos to run on and the world size: the configured one (or, with <c>elastic</c>, the largest
    /// that fits and divides the global batch). Without elastic, waits up to <paramref name="wait"/>
    /// for enough silos; null when they never come.
    /// </summary>
    private async Task<(List<SiloAddress> Live, int? World)> PlaceAsync(JobSpec spec, TimeSpan wait)
    {
        var waiting = TimeProvider.System.GetTimestamp();
        var first = true;
        while (true)
        {
            var live = await LiveSilosAsync();
            if (first)
            {
                await UntilDeclaredDeadAsync(live);
                first = false;
            }

            var fit = RanksThatFit(spec, live.Count);
            var world = spec.Elastic is { } elastic ? elastic.Largest(fit, spec.BatchSize) : spec.Workers <= fit ? spec.Workers : null;
            if (world is not null || TimeProvider.System.GetElapsedTime(waiting) >= wait)
            {
                return (live, world);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>How many ranks <paramref name="silos"/> silos take at <c>placement.ranks_per_silo</c> (0: no limit).</summary>
    private static int RanksThatFit(JobSpec spec, int silos) =>
        silos == 0 ? 0 : spec.Placement.RanksPerSilo == 0 ? int.MaxValue : silos * spec.Placement.RanksPerSilo;

    /// <summary>
    /// Waits (bounded) until membership no longer lists silos that did not answer: until then new
    /// activations may still be routed to them (the grain directory follows membership).
    /// </summary>
    private async Task UntilDeclaredDeadAsync(List<SiloAddress> live)
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var deadline = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(deadline) < MembershipWait)
        {
            var active = (await management.GetHosts(onlyActive: true)).Keys;
            if (active.All(s => live.Contains(s) || draining.Contains(s)))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
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
}
