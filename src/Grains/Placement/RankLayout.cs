namespace Platform.Grains.Placement;

/// <summary>Which silo hosts which rank: round-robin over the active silos in address order.</summary>
public static class RankLayout
{
    public static IReadOnlyList<SiloAddress> Assign(IEnumerable<SiloAddress> activeSilos, int ranks, int ranksPerSilo)
    {
        var silos = activeSilos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
        if (silos.Count == 0)
        {
            throw new InvalidOperationException("the cluster has no active silo");
        }

        if (ranksPerSilo > 0 && ranks > silos.Count * ranksPerSilo)
        {
            throw new PlacementException(
                $"workers: {ranks} ranks do not fit on {silos.Count} active silo(s) at placement.ranks_per_silo {ranksPerSilo}");
        }

        return Enumerable.Range(0, ranks).Select(r => silos[r % silos.Count]).ToList();
    }
}

/// <summary>The ranks a job asks for do not fit on the cluster as it is.</summary>
public sealed class PlacementException(string message) : Platform.Spec.UserInputException(message);
