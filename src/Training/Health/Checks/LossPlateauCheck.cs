using Platform.Spec;

namespace Platform.Training.Health.Checks;

/// <summary>
/// <c>loss_plateau</c>: every <c>window</c> steps, the mean loss of the last window fell by less
/// than <c>min_decrease</c> (relative) from the window before. Keeps only the two windows it compares.
/// </summary>
internal sealed class LossPlateauCheck(LossRule rule)
{
    private readonly Queue<float> losses = new();

    /// <summary>Finite losses seen so far; the rule looks every <c>window</c> of them.</summary>
    public int Seen { get; private set; }

    /// <summary>The losses kept (at most two windows), for a checkpoint.</summary>
    public float[] Kept => [.. losses];

    public void Restore(float[] kept, int seen)
    {
        losses.Clear();
        foreach (var loss in kept.Skip(Math.Max(0, kept.Length - (2 * rule.Window))))
        {
            losses.Enqueue(loss);
        }

        Seen = Math.Max(seen, kept.Length);
    }

    public void Check(float loss, List<Finding> fired)
    {
        if (!float.IsFinite(loss))
        {
            return;
        }

        losses.Enqueue(loss);
        Seen++;
        if (losses.Count > 2 * rule.Window)
        {
            losses.Dequeue();
        }

        if (Seen < 2 * rule.Window || Seen % rule.Window != 0)
        {
            return;
        }

        var earlier = losses.Take(rule.Window).Average();
        var recent = losses.Skip(rule.Window).Average();
        var decrease = earlier > 0 ? (earlier - recent) / earlier : 0;
        if (decrease < rule.MinDecrease)
        {
            fired.Add(new Finding(HealthRuleNames.LossPlateau, [], decrease, rule.MinDecrease));
        }
    }
}
