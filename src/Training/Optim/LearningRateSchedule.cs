using Platform.Spec;

namespace Platform.Training.Optim;

/// <summary>The learning rate for each update: linear warm-up, then constant, step decay or cosine decay.</summary>
public sealed class LearningRateSchedule(ScheduleSpec spec, double baseLr, int totalSteps)
{
    /// <summary>Learning rate for update number <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < spec.WarmupSteps)
        {
            return baseLr * (step + 1) / spec.WarmupSteps;
        }

        return spec.Kind switch
        {
            ScheduleKind.Step => baseLr * Math.Pow(spec.Gamma, (step - spec.WarmupSteps) / spec.StepSize),
            ScheduleKind.Cosine => Cosine(step),
            _ => baseLr,
        };
    }

    private double Cosine(int step)
    {
        var span = Math.Max(1, totalSteps - 1 - spec.WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - spec.WarmupSteps) / span);
        return spec.MinLr + ((baseLr - spec.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
