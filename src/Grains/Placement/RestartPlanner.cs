using Platform.Spec;

namespace Platform.Grains.Placement;

/// <summary>Why a job restarts, what it had, and what is left: the planner's input.</summary>
/// <param name="Spec">The job's spec.</param>
/// <param name="Cause">What happened, in words (the start of the audit's text).</param>
/// <param name="Kind">The audit kind: <c>recovery</c>, <c>drain</c> or <c>rescale</c>.</param>
/// <param name="IsRecovery">A lost or stalled rank (counted against <c>recovery.max_recoveries</c>), not a drain or a growth.</param>
/// <param name="LostAtStep">The last step the coordinator heard of.</param>
/// <param name="Workers">The world size the job ran at.</param>
/// <param name="Recoveries">How many recoveries the job had before this one.</param>
/// <param name="Live">The silos that answer and are not draining.</param>
/// <param name="CheckpointStep">The step of the last good checkpoint; null: none, the job starts over.</param>
/// <param name="SkippedSteps">Checkpoints passed over as corrupt.</param>
public sealed record RestartRequest(
    JobSpec Spec,
    string Cause,
    string Kind,
    bool IsRecovery,
    int LostAtStep,
    int Workers,
    int Recoveries,
    IReadOnlyCollection<SiloAddress> Live,
    int? CheckpointStep,
    IReadOnlyList<int> SkippedSteps);

/// <summary>
/// The planner's answer: either a restart (<see cref="World"/> ranks on <see cref="Layout"/> from
/// <see cref="FromStep"/>, with the audit's text for step <see cref="AtStep"/>) or <see cref="Failure"/>, why the job stops.
/// </summary>
public sealed record RestartPlan(int? World, IReadOnlyList<SiloAddress> Layout, int FromStep, int AtStep, string Audit, string? Failure)
{
    public bool Restarts => Failure is null;
}

/// <summary>
/// The restart decision, without a clock or a cluster: how many ranks fit on the silos left, the
/// world size (the configured one, or with <c>elastic</c> the largest that fits and divides the
/// global batch), where each rank goes, and what the audit says. The coordinator gathers the
/// inputs and carries the plan out.
/// </summary>
public static class RestartPlanner
{
    /// <summary>How many ranks <paramref name="silos"/> silos take at <c>placement.ranks_per_silo</c> (0: no limit).</summary>
    public static int RanksThatFit(PlacementSpec placement, int silos) =>
        silos == 0 ? 0 : placement.RanksPerSilo == 0 ? int.MaxValue : silos * placement.RanksPerSilo;

    /// <summary>The world size the job runs at on <paramref name="silos"/> silos; null when it does not fit.</summary>
    public static int? WorldSize(JobSpec spec, int silos)
    {
        var fit = RanksThatFit(spec.Placement, silos);
        return spec.Elastic is { } elastic ? elastic.Largest(fit, spec.BatchSize) : spec.Workers <= fit ? spec.Workers : null;
    }

    /// <summary>The recovery limit, checked before anything is stopped or placed: null while recoveries are left.</summary>
    public static string? RecoveryLimit(JobSpec spec, int recoveries, string cause) =>
        recoveries >= spec.Recovery.MaxRecoveries
            ? $"{cause}; not recovered: the job already recovered {recoveries} time(s) (recovery.max_recoveries)"
            : null;

    public static RestartPlan Plan(RestartRequest r)
    {
        var spec = r.Spec;
        var fromStep = r.CheckpointStep ?? 0;
        if (WorldSize(spec, r.Live.Count) is not { } size)
        {
            var need = spec.Elastic is { } e ? $"at least {e.Min} rank(s) (elastic.min)" : $"{spec.Workers} rank(s)";
            var left = $"{r.Live.Count} silo(s) left, not enough for {need} at placement.ranks_per_silo {spec.Placement.RanksPerSilo}";
            var failure = r.IsRecovery
                ? $"{r.Cause}; not recovered: {left}, and none joined within {spec.Recovery.ReplacementWaitSeconds} s (recovery.replacement_wait_seconds)"
                : $"{r.Cause}; stopped: {left}; the checkpoint of step {r.LostAtStep} is kept, resubmit with --resume to go on";
            return new RestartPlan(null, [], fromStep, r.LostAtStep, "", failure);
        }

        var layout = RankLayout.Assign(r.Live, size, spec.Placement.RanksPerSilo);
        var resized = size != r.Workers ? $"; world size {r.Workers} -> {size}, global batch {spec.BatchSize} kept" : "";
        var corrupt = r.SkippedSteps.Count > 0 ? $"; skipped corrupt checkpoint(s) of step {string.Join(", ", r.SkippedSteps)} (checksum mismatch)" : "";
        var count = r.IsRecovery ? $"; recovery {r.Recoveries + 1} of {spec.Recovery.MaxRecoveries}" : "";
        var lost = Math.Max(r.LostAtStep, fromStep);
        var audit = $"{r.Cause}; {size} ranks restarted on {r.Live.Count} silo(s) from the checkpoint of step {fromStep}{resized}{corrupt}{count}";
        return new RestartPlan(size, layout, fromStep, lost, audit, null);
    }
}
