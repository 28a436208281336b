using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Platform.Grains.Placement;

/// <summary>
/// Places a worker grain on the silo its job chose for it, passed as Orleans' placement hint in
/// the request context of the first call; without a hint, on the calling silo. Once placed,
/// a worker stays where it is for the life of the job.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class RankPlacementStrategy : PlacementStrategy
{
    public static readonly RankPlacementStrategy Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RankPlacementAttribute() : PlacementAttribute(RankPlacementStrategy.Instance);

/// <summary>Makes the first call to a grain with <see cref="RankPlacementAttribute"/> activate it on a chosen silo.</summary>
public static class RankPlacementHint
{
    /// <summary>Issues <paramref name="call"/> with the placement hint set; the hint travels with that call only.</summary>
    public static Task On(SiloAddress silo, Func<Task> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}

/// <summary>Honours the placement hint when that silo is a compatible, active member.</summary>
public sealed class RankPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (target.RequestContextData is { } data
            && data.TryGetValue(IPlacementDirector.PlacementHintKey, out var hint)
            && hint is SiloAddress wanted
            && compatible.Contains(wanted))
        {
            return Task.FromResult(wanted);
        }

        return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[0]);
    }
}
