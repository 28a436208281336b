namespace Platform.Training.Health;

/// <summary>
/// What the health policy decided for one step, the same on every rank: scale the whole gradient
/// (clip), scale some layers' gradients (trust ratio), scale the learning rate, skip the update,
/// roll back to the last good checkpoint, pause or stop the job. <see cref="Findings"/> and
/// <see cref="Remedies"/> name everything that fired this step (for metrics); <see cref="Records"/>
/// is what goes into the audit (an episode is recorded when it starts and again every cool-down).
/// </summary>
public sealed class StepDecision
{
    public static readonly StepDecision None = new();

    public double ClipScale { get; set; } = 1;

    public double LrScale { get; set; } = 1;

    /// <summary>Per parameter tensor, in layout order; null when no layer is scaled.</summary>
    public float[]? LayerScales { get; set; }

    public bool Skip { get; set; }

    /// <summary>Re-initialise the layers from data (<see cref="DataDrivenInit"/>) instead of this step's update.</summary>
    public bool Reinit { get; set; }

    public bool Rollback { get; set; }

    public bool Pause { get; set; }

    public bool Stop { get; set; }

    /// <summary>End the run successfully after this step (<c>early_stop</c>): it no longer generalises better.</summary>
    public bool EarlyStop { get; set; }

    public List<string> Findings { get; } = [];

    public List<string> Remedies { get; } = [];

    public List<HealthRecord> Records { get; } = [];

    /// <summary>Why the job stops or pauses, for the user.</summary>
    public string? Reason { get; set; }
}
