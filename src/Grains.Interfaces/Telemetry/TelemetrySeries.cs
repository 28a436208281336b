namespace Platform.Grains.Interfaces.Telemetry;

/// <summary>
/// Per-step telemetry of a job, one row per recorded step. Per-layer columns are row-major
/// (<c>row * Layers.Length + layer</c>); per-activation columns likewise over <see cref="Activations"/>.
/// Used both for the batches rank 0 sends and for the history a client reads back; in a
/// downsampled history a row stands for the steps since the previous row: its norms are those of
/// its last step, <see cref="NonFinite"/> is the sum and <see cref="GradMaxAbs"/> the largest.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TelemetrySeries(
    [property: Id(0)] string[] Layers,
    [property: Id(1)] string[] Activations,
    [property: Id(2)] int[] Steps,
    [property: Id(3)] float[] Loss,
    [property: Id(4)] float[] LearningRate,
    [property: Id(5)] float[] GlobalGradNorm,
    [property: Id(6)] float[] GradNorm,
    [property: Id(7)] float[] WeightNorm,
    [property: Id(8)] float[] UpdateNorm,
    [property: Id(9)] float[] GradMaxAbs,
    [property: Id(10)] long[] NonFinite,
    [property: Id(11)] float[] ZeroFraction,
    [property: Id(12)] float[] Saturated,
    [property: Id(13)] float[] Dead)
{
    public static readonly TelemetrySeries Empty = new([], [], [], [], [], [], [], [], [], [], [], [], [], []);

    public int Rows => Steps.Length;

    /// <summary>A per-layer column's value at a row.</summary>
    public float At(float[] column, int row, int layer) => column[(row * Layers.Length) + layer];

    /// <summary>A per-activation column's value at a row.</summary>
    public float ActivationAt(float[] column, int row, int activation) => column[(row * Activations.Length) + activation];
}
