using System.Globalization;

namespace Platform.Training.Engine;

/// <summary>The loss went NaN or infinite and nothing stopped the update: the run cannot go on.</summary>
public sealed class TrainingDivergedException(int step, float loss, string why)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"training diverged at step {step}: the loss is {loss} ({why})"));
