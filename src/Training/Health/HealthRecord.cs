namespace Platform.Training.Health;

/// <summary>
/// One entry of a job's health audit: at <see cref="Step"/>, a finding of a rule or a remedy the
/// policy applied, the layers concerned, the measured value against its threshold, and the remedy's
/// parameters in words.
/// </summary>
public sealed record HealthRecord(int Step, HealthRecordKind Kind, string Name, IReadOnlyList<string> Layers, double Value, double Threshold, string Detail);

public enum HealthRecordKind
{
    Finding,
    Remedy,
}
