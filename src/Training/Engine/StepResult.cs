using Platform.Training.Health;
using Platform.Training.Telemetry;

namespace Platform.Training.Engine;

/// <summary>
/// What one training step did: the step number after it, where in the data it was, its loss and
/// learning rate, this rank's samples, what telemetry measured and what the health policy decided.
/// A step whose decision is a rollback did not advance: the caller restores a checkpoint.
/// <see cref="StopAgreed"/>, <see cref="PauseAgreed"/>: some rank asked in this step's collective, so
/// every rank stops or pauses after it.
/// </summary>
public readonly record struct StepResult(int Step, int Epoch, float Loss, double LearningRate, int Samples, StepTelemetry Telemetry, StepDecision Health)
{
    public bool StopAgreed { get; init; }

    public bool PauseAgreed { get; init; }

    /// <summary>The audit record of an <c>adaptive_batch</c> change after this step: the next step takes the new batch.</summary>
    public HealthRecord? BatchChange { get; init; }
}

/// <summary>Test-set figures: accuracy (for regression, the fraction within tolerance) and mean loss.</summary>
public readonly record struct EvalResult(double Accuracy, double Loss, int Samples);
