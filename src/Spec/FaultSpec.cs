namespace Platform.Spec;

/// <summary>
/// A fault injected into the local gradients of one step before the allreduce, to exercise the
/// telemetry and the health remedies on demand: <c>nan</c> or <c>inf</c> overwrite the first
/// <c>count</c> values, <c>scale</c> multiplies the whole gradient by <c>factor</c> (a spike);
/// <c>stall</c> makes the rank hang for <c>seconds</c> before that step (a hung device or a deadlock),
/// only in a run that started from scratch, so a replay after recovery does not hang again.
/// <c>layer</c> (a parameter name such as <c>layers.0.weight</c>) and <c>rank</c> narrow it; without
/// them every parameter on every rank is hit.
/// </summary>
public sealed record FaultSpec(int Step, FaultKind Kind, string? Layer, int? Rank, int Count, double Factor, double Seconds = 0)
{
    internal static FaultSpec Read(SpecNode n)
    {
        var spec = new FaultSpec(
            n.Int("step", 0, min: 0),
            n.Choice("kind", FaultKind.Nan),
            n.OptionalString("layer"),
            n.OptionalInt("rank", min: 0),
            n.Int("count", 1, min: 1),
            n.Double("factor", 1000, min: 0, exclusiveMin: true),
            n.Double("seconds", 3600, min: 0, exclusiveMin: true));
        if (!n.Has("step"))
        {
            throw new SpecException(n.PathOf("step"), "is required: the 0-based step whose gradients get the fault");
        }

        n.RejectUnknownKeys();
        return spec;
    }

    public bool IsStall => Kind == FaultKind.Stall;

    /// <summary>Whether this fault hits <paramref name="rank"/> at <paramref name="step"/>.</summary>
    public bool Hits(int step, int rank) => Step == step && (Rank is null || Rank == rank);
}
