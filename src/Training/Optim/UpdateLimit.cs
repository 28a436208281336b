namespace Platform.Training.Optim;

/// <summary>
/// A per-tensor trust region for one step (the <c>update_cap</c> remedy): a weight tensor (two or
/// more dimensions; biases and norm scales are left alone, as LARS leaves them) steps at most
/// <see cref="MaxRatio"/> times its own norm. The optimizer measures each step before it writes it
/// and shortens those that would go further; <see cref="Capped"/> says which, and how far they would
/// have gone (the step's norm over the weight's).
/// </summary>
public sealed class UpdateLimit(double maxRatio, int tensors)
{
    public double MaxRatio => maxRatio;

    /// <summary>Per tensor: the ratio its step would have had where the limit shortened it, else 0.</summary>
    public float[] Capped { get; } = new float[tensors];

    /// <summary>The learning rate that keeps a step of norm <paramref name="lr"/> * <paramref name="direction"/> within the limit of a weight of norm <paramref name="weight"/>; records the tensor when it binds.</summary>
    internal double Within(int tensor, double lr, double direction, double weight)
    {
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
