namespace Platform.Spec;

/// <summary>Where and how often rank 0 writes checkpoints; <c>keep</c> bounds how many stay on disk.</summary>
public sealed record CheckpointSpec(string Dir, int Interval, int Keep)
{
    internal static CheckpointSpec Read(SpecNode n)
    {
        var spec = new CheckpointSpec(
            n.String("dir", "checkpoints"),
            Interval: n.Int("interval", 200, min: 1),
            Keep: n.Int("keep", 3, min: 1));
        n.RejectUnknownKeys();
        return spec;
    }
}
