namespace Platform.Training.Health;

/// <summary>What a rule found in one step: the rule, the layers concerned (none: the whole model), the measured value and the threshold it crossed.</summary>
public sealed record Finding(string Rule, IReadOnlyList<string> Layers, double Value, double Threshold);
