using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Placement;
using Platform.Spec;
using Platform.Training.Checkpoints;

namespace Platform.Grains.Jobs;

/// <summary>The job's recovery from a lost rank: find the silos that answer, place the ranks again, restart from a checkpoint.</summary>
public sealed partial class TrainingJobGrain
{
    private const int MaxRecoveries = 3;
    private static readonly TimeSpan RecoveryStopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SiloPingTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MembershipWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Rebuilds the job after a lost rank: stops what is left of this start, finds the silos that
    /// still answer, places every rank on them again and restarts from the last good checkpoint, as
    /// a new generation (fresh grain keys, so nothing is routed to a dead silo). World size, global
    /// batch and data order stay as they were, so the run continues as if uninterrupted.
    /// </summary>
    private async Task RecoverAsync(int rank, string error)
    {
        var started = TimeProvider.System.GetTimestamp();
        var spec = JobSpecDocument.Parse(Job.SpecYaml).Validate();
        await Task.WhenAll(Enumerable.Range(0, Job.Workers).Select(r => StopQuietlyAsync(Worker(r), RecoveryStopTimeout)));
        var live = await LiveSilosAsync();
        await UntilDeclaredDeadAsync(live);
        IReadOnlyList<SiloAddress> layout;
        try
        {
            layout = RankLayout.Assign(live, spec.Workers, spec.Placement.RanksPerSilo);
        }
        catch (ArgumentException e)
        {
            await FinishAsync(JobState.Failed, $"rank {rank}: {error}; could not place the ranks again: {e.Message}", FailureKind.Internal, null);
            return;
        }

        var latest = new CheckpointDirectory(Job.CheckpointDir).Latest(CheckpointFile.Verify);
        var fromStep = latest?.Entry.Step ?? 0;
        Job.Generation++;
        Job.Recoveries++;
        Job.RecoveryStartedAt = started;
        Job.RecoveryFromStep = fromStep;
        Job.Silos = [.. layout.Select(s => s.ToParsableString())];
        // The last step the coordinator heard of; a coordinator that was itself lost may have heard of fewer.
        var lost = Math.Max(Job.LastReport?.Step ?? 0, fromStep);
        Job.Audit.Add(new AuditRecord(
            lost,
            "recovery",
            $"rank {rank} lost ({error}); {spec.Workers} ranks restarted on {live.Count} silo(s) from the checkpoint of step {fromStep}; recovery {Job.Recoveries} of {MaxRecoveries}",
            Value: lost - fromStep,
            IsRemedy: true));
        await record.WriteStateAsync();
        logger.LogWarning("Job {Job}: recovering from the loss of rank {Rank} ({Error}) on {Silos}", JobId, rank, error, string.Join(", ", Job.Silos));
        await StartRanksAsync(spec.Workers, layout, latest?.File);
    }

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
            if (active.All(live.Contains))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Active silos that answer a management call within a couple of seconds.</summary>
    private async Task<List<SiloAddress>> LiveSilosAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToList();
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
