namespace Platform.Training.Telemetry;

/// <summary>
/// Everything measured in one step, after the allreduce, so every rank holds the same figures.
/// Per parameter tensor (in <see cref="TelemetryLayout.Layers"/> order): gradient and weight L2
/// norms (weights as they were when the gradient was taken), the L2 norm of the update the optimizer
/// applied, the largest gradient magnitude, how many gradient values were NaN or infinite and the
/// fraction that were exactly zero. Per activation module (in <see cref="TelemetryLayout.Activations"/>
/// order): the fraction of saturated outputs and of dead units, averaged over ranks.
/// </summary>
public sealed record StepTelemetry(
    int Step,
    float Loss,
    double LearningRate,
    double GlobalGradNorm,
    float[] GradNorm,
    float[] WeightNorm,
    float[] UpdateNorm,
    float[] GradMaxAbs,
    long[] NonFinite,
    float[] ZeroFraction,
    float[] Saturated,
    float[] Dead,
    double StepSeconds,
    double AllreduceSeconds,
    long AllreduceBytes,
    int Samples)
{
    /// <summary>Global norm of the gradient the optimizer applied, after clipping and layer scaling; 0 when the update was skipped.</summary>
    public double AppliedGradNorm { get; init; }

    /// <summary>The smoothed gradient noise scale after this step's figures; null with one rank.</summary>
    public double? NoiseScale { get; init; }

    /// <summary>Whether the health policy skipped this step's update.</summary>
    public bool Skipped { get; init; }

    /// <summary>The periodic evaluation that arrived with this step (taken after the previous update), if one did.</summary>
    public ValidationResult? Validation { get; init; }

    public static float Ratio(float numerator, float denominator) => denominator > 0 ? numerator / denominator : float.NaN;

    public long TotalNonFinite => NonFinite.Sum();

    /// <summary>The job-wide figures only (loss, learning rate, global norms, timings): what is published with <c>telemetry.enabled: false</c>.</summary>
    public StepTelemetry WithoutLayers() =>
        this with { GradNorm = [], WeightNorm = [], UpdateNorm = [], GradMaxAbs = [], NonFinite = [], ZeroFraction = [], Saturated = [], Dead = [] };
}

/// <summary>The names the per-layer arrays of a <see cref="StepTelemetry"/> follow.</summary>
public sealed record TelemetryLayout(IReadOnlyList<string> Layers, IReadOnlyList<string> Activations)
{
    public static readonly TelemetryLayout None = new([], []);
}
