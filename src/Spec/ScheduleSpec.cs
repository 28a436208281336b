namespace Platform.Spec;

/// <summary>Learning-rate schedule: constant, step (times <c>gamma</c> every <c>step_size</c> steps) or cosine, each with linear warm-up.</summary>
public sealed record ScheduleSpec(ScheduleKind Kind, int WarmupSteps, int StepSize, double Gamma, double MinLr)
{
    internal static ScheduleSpec Read(SpecNode n)
    {
        var spec = new ScheduleSpec(
            n.Choice("kind", ScheduleKind.Constant),
            WarmupSteps: n.Int("warmup_steps", 0, min: 0),
            StepSize: n.Int("step_size", 1000, min: 1),
            Gamma: n.Double("gamma", 0.1, min: 0, max: 1, exclusiveMin: true),
            MinLr: n.Double("min_lr", 0, min: 0));
        n.RejectUnknownKeys();
        return spec;
    }
}
