namespace Platform.Spec;

/// <summary>Gradient-health settings. Reserved: the section exists so specs can carry it, and takes no keys yet.</summary>
public sealed record HealthSpec
{
    internal static HealthSpec Read(SpecNode n)
    {
        n.RejectUnknownKeys();
        return new HealthSpec();
    }
}
