using Platform.Training.Telemetry;

namespace Platform.Training.Engine;

/// <summary>
/// What one training step did: the step number after it, where in the data it was, its loss and
/// learning rate, this rank's samples, and what telemetry measured.
/// </summary>
public readonly record struct StepResult(int Step, int Epoch, float Loss, double LearningRate, int Samples, StepTelemetry Telemetry);

/// <summary>Test-set figures: accuracy (for regression, the fraction within tolerance) and mean loss.</summary>
public readonly record struct EvalResult(double Accuracy, double Loss, int Samples);
