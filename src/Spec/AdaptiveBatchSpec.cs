namespace Platform.Spec;

/// <summary>
/// A global batch that grows toward the measured critical batch (the gradient noise scale): it
/// doubles when the smoothed noise scale is at least twice the current batch, no sooner than
/// <c>warmup</c> steps into the run and <c>interval</c> steps after the last change, never past
/// <c>max</c>; the learning rate follows it by <c>lr_rule</c>.
/// </summary>
public sealed record AdaptiveBatchSpec(bool Enabled, int Max, int Interval, int Warmup, LrRule LrRule)
{
    public static readonly AdaptiveBatchSpec Off = new(false, 0, 50, 100, LrRule.Linear);

    internal static AdaptiveBatchSpec Read(SpecNode n, int batchSize)
    {
        var spec = new AdaptiveBatchSpec(
            n.Bool("enabled", false),
            n.Int("max", batchSize * 16, min: 1),
            n.Int("interval", 50, min: 1),
            n.Int("warmup", 100, min: 0),
            n.Choice("lr_rule", LrRule.Linear));
        n.RejectUnknownKeys();
        return spec;
    }

    /// <summary>The learning rate's factor at global batch <paramref name="batch"/> of a run that started at <paramref name="start"/>, with noise scale <paramref name="noise"/> (AdaScale's gain needs it).</summary>
    public double LrFactor(int batch, int start, double? noise)
    {
        var scale = (double)batch / start;
        return LrRule switch
        {
            LrRule.Linear => scale,
            LrRule.Sqrt => Math.Sqrt(scale),
            // AdaScale (Johnson et al. 2020): r = (tr(Sigma)/b0 + |G|^2) / (tr(Sigma)/b + |G|^2), in [1, b/b0].
            LrRule.Adascale => noise is { } b && b > 0 ? ((b / start) + 1) / ((b / batch) + 1) : 1,
            _ => 1,
        };
    }
}

/// <summary>How the learning rate follows a grown batch: not at all, by the square root or linearly in the batch's factor, or by AdaScale's gain.</summary>
public enum LrRule
{
    None,
    Sqrt,
    Linear,
    Adascale,
}
