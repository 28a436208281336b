namespace Platform.Training.Telemetry;

/// <summary>One periodic evaluation on the held-out validation samples, after update <see cref="Step"/>, over all ranks.</summary>
public sealed record ValidationResult(int Step, double Loss, double Accuracy);
