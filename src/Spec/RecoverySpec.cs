namespace Platform.Spec;

/// <summary>
/// How a job survives lost or stalled ranks: <c>step_timeout_seconds</c> (60) is how long a rank may
/// go without finishing a step (or a collective without data) before it counts as lost;
/// <c>max_recoveries</c> (3) bounds the restarts from a checkpoint; <c>replacement_wait_seconds</c>
/// (30) is how long a job whose ranks no longer fit waits for silos to join before it shrinks
/// (with <c>elastic</c>) or fails.
/// </summary>
public sealed record RecoverySpec(int StepTimeoutSeconds, int MaxRecoveries, int ReplacementWaitSeconds)
{
    internal static RecoverySpec Read(SpecNode n)
    {
        var spec = new RecoverySpec(
            n.Int("step_timeout_seconds", 60, min: 1, max: 24 * 3600),
            n.Int("max_recoveries", 3, min: 0, max: 1000),
            n.Int("replacement_wait_seconds", 30, min: 0, max: 24 * 3600));
        n.RejectUnknownKeys();
        return spec;
    }
}
