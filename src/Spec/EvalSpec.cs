namespace Platform.Spec;

/// <summary>
/// Periodic validation: every <c>interval</c> steps (0: never) the model is evaluated on the last
/// <c>samples</c> training samples, held out of training for it; <c>patience</c> evaluations
/// without a better validation loss are what the <c>overfit</c> and <c>overtraining</c> rules
/// wait for; with <c>keep_best</c>, the run ends with the weights of its best evaluation.
/// </summary>
public sealed record EvalSpec(int Interval, int Samples, int Patience, bool KeepBest)
{
    public static readonly EvalSpec Off = new(0, 2000, 5, true);

    public bool Enabled => Interval > 0;

    internal static EvalSpec Read(SpecNode n)
    {
        var spec = new EvalSpec(
            n.Int("interval", 0, min: 0),
            n.Int("samples", 2000, min: 1),
            n.Int("patience", 5, min: 1),
            n.Bool("keep_best", true));
        n.RejectUnknownKeys();
        return spec;
    }
}
