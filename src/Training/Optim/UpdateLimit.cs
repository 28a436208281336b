namespace Platform.Training.Optim;

/// <summary>
/// A per-tensor trust region for one step (the <c>update_cap</c> remedy): a weight tensor (two or
/// more dimensions; biases and norm scales are left alone, as LARS leaves them) steps at most
/// <see cref="MaxRatio"/> times its own norm. The optimizer measures each step before it writes it
/// and shortens those that would go further; <see cref="Capped"/> says which, and how far they would
/// have gone (the step's norm over the weight's). The weights' norms are the step's telemetry, taken
/// before the update.
/// </summary>
public sealed class UpdateLimit(double maxRatio, IReadOnlyList<float> weightNorms)
{
    public double MaxRatio => maxRatio;

    /// <summary>Per tensor: the ratio its step would have had where the limit shortened it, else 0.</summary>
    public float[] Capped { get; } = new float[weightNorms.Count];

    /// <summary>The learning rate that keeps a step of norm <paramref name="lr"/> * <paramref name="direction"/> within the limit of the tensor's weight; records the tensor when it binds.</summary>
    internal double Within(int tensor, double lr, double direction)
    {
        var weight = (double)weightNorms[tensor];
        var step = lr * direction;
        var limit = maxRatio * weight;
        if (weight <= 0 || step <= limit)
        {
            return lr;
        }

        Capped[tensor] = (float)(step / weight);
        return lr * limit / step;
    }
}
