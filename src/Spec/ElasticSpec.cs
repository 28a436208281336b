namespace Platform.Spec;

/// <summary>
/// The world sizes a job may run at: it starts with <c>workers</c> ranks; when ranks are lost and no
/// longer fit on the silos left (<c>placement.ranks_per_silo</c>), it continues with fewer (never
/// under <c>min</c>), and when silos join it grows again (never over <c>max</c>), keeping the global
/// batch size, so every step still averages the same samples. Without <c>elastic</c> the world size
/// is fixed at <c>workers</c>.
/// </summary>
public sealed record ElasticSpec(int Min, int Max)
{
    internal static ElasticSpec? Read(SpecNode root, int workers)
    {
        if (!root.Has("elastic"))
        {
            return null;
        }

        var n = root.Section("elastic");
        var spec = new ElasticSpec(n.Int("min", 1, min: 1, max: 1024), n.Int("max", workers, min: 1, max: 1024));
        n.RejectUnknownKeys();
        if (spec.Min > spec.Max)
        {
            throw new SpecException(n.PathOf("min"), $"must be <= elastic.max ({spec.Max}) (got {spec.Min})");
        }

        if (workers < spec.Min || workers > spec.Max)
        {
            throw new SpecException("workers", $"must be within elastic.min..elastic.max ({spec.Min}..{spec.Max}) (got {workers})");
        }

        return spec;
    }

    /// <summary>The largest world size allowed here that at most <paramref name="fit"/> ranks allow and that divides <paramref name="globalBatch"/>; null when none.</summary>
    public int? Largest(int fit, int globalBatch)
    {
        for (var w = Math.Min(Max, fit); w >= Min; w--)
        {
            if (globalBatch % w == 0)
            {
                return w;
            }
        }

        return null;
    }
}
