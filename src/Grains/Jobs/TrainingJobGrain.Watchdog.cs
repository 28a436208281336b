using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>
/// The job's step deadline: every couple of seconds while the job runs, a rank whose silo left the
/// cluster, or that reported no finished step for <c>recovery.step_timeout_seconds</c>, counts as
/// lost and the job recovers. Covers what the ranks cannot see themselves: a single rank, or every
/// rank blocked behind one that hangs.
/// </summary>
public sealed partial class TrainingJobGrain
{
    private static readonly TimeSpan WatchEvery = TimeSpan.FromSeconds(2);
    private readonly Dictionary<int, long> lastHeard = [];
    private IGrainTimer? watchdog;
    private (string Yaml, JobSpec Spec)? parsed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A coordinator reactivated on another silo (its own was lost) watches the ranks it inherits.
        if (Job.State is JobState.Running or JobState.Paused)
        {
            Watch(Job.Workers);
            if (Job.Telemetry is { } saved)
            {
                telemetry.Add(saved);
            }
        }

        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>Starts (or restarts) the deadline for every rank of the current generation.</summary>
    private void Watch(int workers)
    {
        lastHeard.Clear();
        var now = clock.GetTimestamp();
        for (var rank = 0; rank < workers; rank++)
        {
            lastHeard[rank] = now;
        }

        watchdog ??= this.RegisterGrainTimer(_ => CheckRanksAsync(), new GrainTimerCreationOptions(WatchEvery, WatchEvery));
    }

    /// <summary>The job's spec, parsed once per submission rather than at every tick of the watchdog.</summary>
    private JobSpec Spec()
    {
        if (parsed is not { } p || !ReferenceEquals(p.Yaml, Job.SpecYaml))
        {
            parsed = p = (Job.SpecYaml, JobSpecDocument.Parse(Job.SpecYaml).Validate());
        }

        return p.Spec;
    }

    private void Heard(int rank, int generation)
    {
        if (generation == Job.Generation && lastHeard.ContainsKey(rank))
        {
            lastHeard[rank] = clock.GetTimestamp();
        }
    }

    private async Task CheckRanksAsync()
    {
        if (Job.State.IsTerminal())
        {
            watchdog?.Dispose();
            watchdog = null;
            return;
        }

        if (restarting is not null)
        {
            return; // the ranks are being placed again
        }

        var hosts = (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.ToList();
        if (Job.State != JobState.Running)
        {
            // Paused ranks step no more; the deadline starts again on resume. Room that silos make
            // meanwhile is taken on resume: the ranks then stop together after their first step.
            Watch(Job.Workers);
            await GrowIfRoomAsync(hosts);
            return;
        }

        var active = hosts.Select(s => s.ToParsableString()).ToHashSet();
        if (Job.Silos.Select((silo, rank) => (silo, rank)).FirstOrDefault(s => !active.Contains(s.silo) && lastHeard.ContainsKey(s.rank)) is ({ } gone, var lostRank))
        {
            await RecoverAsync($"rank {lostRank} lost: its silo {gone} left the cluster");
            return;
        }

        var timeout = TimeSpan.FromSeconds(Spec().Recovery.StepTimeoutSeconds);
        foreach (var (rank, heard) in lastHeard)
        {
            if (clock.GetElapsedTime(heard) > timeout)
            {
                await RecoverAsync($"rank {rank} stalled: no step finished for {timeout.TotalSeconds:0} s (recovery.step_timeout_seconds)");
                return;
            }
        }

        await GrowIfRoomAsync(hosts);
    }
}
