namespace Platform.Spec;

/// <summary>
/// Per-step gradient telemetry. <c>enabled: false</c> publishes no per-layer figures (metrics,
/// history); the statistics are still computed while health is on, whose rules read them, and
/// skipped when both are off;
/// an activation counts as saturated when it lies within <c>saturation_tolerance</c> of the output
/// range from a bound (sigmoid below 0.01 or above 0.99 with the default).
/// </summary>
public sealed record TelemetrySpec(bool Enabled, double SaturationTolerance)
{
    internal static TelemetrySpec Read(SpecNode n)
    {
        var spec = new TelemetrySpec(
            n.Bool("enabled", true),
            n.Double("saturation_tolerance", 0.01, min: 0, max: 0.5, exclusiveMin: true));
        n.RejectUnknownKeys();
        return spec;
    }
}
