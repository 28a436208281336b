namespace Platform.Spec;

/// <summary>How ranks spread over silos: round-robin, at most <c>ranks_per_silo</c> each (0: no limit).</summary>
public sealed record PlacementSpec(int RanksPerSilo)
{
    internal static PlacementSpec Read(SpecNode n)
    {
        var spec = new PlacementSpec(n.Int("ranks_per_silo", 0, min: 0));
        n.RejectUnknownKeys();
        return spec;
    }
}
