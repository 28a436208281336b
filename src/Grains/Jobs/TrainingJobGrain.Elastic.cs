using Microsoft.Extensions.Logging;
using Platform.Grains.Placement;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>
/// Elastic growth: a job running with fewer ranks than <c>elastic.max</c> grows when silos join and
/// there is room for more (at <c>placement.ranks_per_silo</c>). The ranks stop together after one
/// step as a drain does, rank 0 checkpoints it, and the job restarts at the larger world size with
/// no step lost.
/// </summary>
public sealed partial class TrainingJobGrain
{
    private int? growTo;

    /// <summary>From the watchdog, with the silos active in membership.</summary>
    private async Task GrowIfRoomAsync(IReadOnlyCollection<SiloAddress> active)
    {
        // A drained silo that has left membership is of no more concern.
        draining.RemoveWhere(s => !active.Contains(s));
        var spec = Spec();
        if (spec.Elastic is not { } elastic || Job.Workers >= elastic.Max || growTo is not null || draining.Count > 0)
        {
            return;
        }

        if (RestartPlanner.WorldSize(spec, active.Count) is { } world && world > Job.Workers)
        {
            growTo = world;
            logger.LogInformation("Job {Job}: room for {World} ranks (running {Workers}); stopping together to grow", JobId, world, Job.Workers);
            await Worker(0).StopTogetherAsync();
        }
    }

    /// <summary>Why the ranks stopped together: a silo draining, or room to grow.</summary>
    private (string Cause, string Kind) StoppedTogether(int step) => growTo is { } world && draining.Count == 0
        ? ($"silos joined: room for {world} ranks; all ranks stopped together after step {step} to grow", RemedyNames.Rescale)
        : ($"a silo is shutting down; all ranks stopped together after step {step} and move", RemedyNames.Drain);
}
