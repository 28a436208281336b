using System.Text.Json.Serialization;

namespace Platform.Training.Data;

/// <summary>
/// How raw inputs become the model's inputs: <c>x = (raw - mean) / std</c>, with <see cref="Mean"/> and
/// <see cref="Std"/> holding one value for all features or one per feature of the flattened sample.
/// <see cref="Raw"/> says what "raw" is (<c>pixel / 255</c> for images, <c>as stored</c> otherwise).
/// Kept in checkpoints and written into exports, so whoever uses the weights feeds them the same inputs.
/// </summary>
public sealed record InputNormalization(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("mean")] float[] Mean,
    [property: JsonPropertyName("std")] float[] Std,
    [property: JsonPropertyName("raw")] string Raw)
{
    public bool SameAs(InputNormalization other) =>
        Method == other.Method && Raw == other.Raw && Mean.AsSpan().SequenceEqual(other.Mean) && Std.AsSpan().SequenceEqual(other.Std);
}
