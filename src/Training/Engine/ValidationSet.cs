using Platform.Spec;
using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// Periodic validation (<c>eval</c>): the training set's last <c>samples</c> samples, held out of
/// training. After every <c>interval</c> updates each rank scores its share of them; the sums ride
/// in the next step's allreduce, so every rank reads the same loss and accuracy and the health
/// rules decide alike. The best evaluation's weights are kept in memory for <c>keep_best</c>.
/// </summary>
internal sealed class ValidationSet
{
    private const int Slots = 3;
    private readonly EvalSpec spec;
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private Tensor[]? best;
    private (int Step, double LossSum, long Correct, int Count)? pending;

    public ValidationSet(EvalSpec spec, int trainCount, IReadOnlyList<(string Name, Tensor Param)> parameters)
    {
        if (spec.Samples * 2 > trainCount)
        {
            throw new SpecException("eval.samples", $"holds out {spec.Samples} of the {trainCount} training samples for validation; at most half can be held out");
        }

        this.spec = spec;
        this.parameters = parameters;
        Start = trainCount - spec.Samples;
    }

    /// <summary>The first validation sample's index in the training set.</summary>
    public int Start { get; }

    public int Count => spec.Samples;

    public List<ValidationResult> History { get; } = [];

    public ValidationResult? Best { get; private set; }

    /// <summary>The allreduce slots a validation set takes: its loss sum, correct count and sample count.</summary>
    public static int Extras(ValidationSet? v) => v is null ? 0 : Slots;

    /// <summary>This rank's share of the samples: [start, start + count) of the training set.</summary>
    public (int Start, int Count) Share(int rank, int worldSize)
    {
        var (from, to) = ((long)Count * rank / worldSize, (long)Count * (rank + 1) / worldSize);
        return (Start + (int)from, (int)(to - from));
    }

    /// <summary>This rank's scores after update <paramref name="step"/>, to send with the next step.</summary>
    public void Scored(int step, long correct, double lossSum, int count) => pending = (step, lossSum, correct, count);

    public void Write(float[] extras, int offset)
    {
        if (pending is { } p)
        {
            (extras[offset], extras[offset + 1], extras[offset + 2]) = ((float)p.LossSum, p.Correct, p.Count);
        }
    }

    /// <summary>The evaluation the averaged <paramref name="extras"/> carry, if one was sent; the weights are still those it scored, so a new best is kept here.</summary>
    public ValidationResult? Read(float[] extras, int offset)
    {
        if (pending is not { } p || extras[offset + 2] <= 0)
        {
            return null;
        }

        pending = null;
        var result = new ValidationResult(p.Step, extras[offset] / extras[offset + 2], extras[offset + 1] / extras[offset + 2]);
        History.Add(result);
        if (Best is null || result.Loss < Best.Loss)
        {
            Best = result;
            if (spec.KeepBest)
            {
                Keep();
            }
        }

        return result;
    }

    /// <summary>Puts the best evaluation's weights back (kept only with <c>keep_best</c>), unless they are the ones in place; returns its step, or null.</summary>
    public int? RestoreBest(int step)
    {
        if (best is null || Best is null || Best.Step == step)
        {
            return null;
        }

        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            parameters[i].Param.copy_(best[i]);
        }

        return Best.Step;
    }

    private void Keep()
    {
        using var noGrad = no_grad();
        best ??= [.. parameters.Select(p => zeros_like(p.Param).DetachFromDisposeScope())];
        for (var i = 0; i < parameters.Count; i++)
        {
            best[i].copy_(parameters[i].Param);
        }
    }
}
