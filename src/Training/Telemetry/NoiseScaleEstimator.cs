using System.Text.Json.Serialization;

namespace Platform.Training.Telemetry;

/// <summary>
/// The gradient noise scale B_simple = tr(Sigma) / |G|^2 (McCandlish, Kaplan, Amodei et al. 2018,
/// appendix A) from what data-parallel training has every step: each rank's gradient of its own
/// slice (batch B_small; their squared norms averaged over ranks) and the averaged gradient (batch
/// B_big). Per step, |G|^2 ~ (B_big |G_big|^2 - B_small |G_small|^2) / (B_big - B_small) and
/// tr(Sigma) ~ (|G_small|^2 - |G_big|^2) / (1/B_small - 1/B_big), both unbiased and noisy; each is
/// smoothed by an exponential moving average of weight <see cref="Alpha"/>, and B_simple is their
/// ratio (the averages' start-up bias cancels in it). It estimates the critical batch: below it a
/// larger batch is nearly free speed, above it wasted compute.
/// </summary>
public sealed class NoiseScaleEstimator
{
    /// <summary>Weight of each step's estimate in the moving averages.</summary>
    public const double Alpha = 0.02;

    /// <summary>How often (in steps) the history keeps a value.</summary>
    public const int SampleEvery = 10;

    private readonly List<(int Step, double Value)> history = [];
    private double gradient;
    private double trace;

    /// <summary>The last smoothed value; null before the first estimate or while the averaged |G|^2 is not positive.</summary>
    public double? Value => gradient > 0 && trace > 0 ? trace / gradient : null;

    /// <summary>
    /// The last value there was: late in a run the averaged |G|^2 can dip below zero (it is a
    /// difference of two noisy figures, and a decayed learning rate leaves the gradient small), where
    /// <see cref="Value"/> has none.
    /// </summary>
    public double? Last { get; private set; }

    /// <summary>The smoothed value every <see cref="SampleEvery"/> steps, in step order.</summary>
    public IReadOnlyList<(int Step, double Value)> History => history;

    /// <summary>One step's unbiased estimates of |G|^2 and tr(Sigma) from the two batch sizes' squared gradient norms.</summary>
    public static (double Gradient, double Trace) Unbiased(double smallSquared, double bigSquared, int smallBatch, int bigBatch) =>
        (((bigBatch * bigSquared) - (smallBatch * smallSquared)) / (bigBatch - smallBatch),
         (smallSquared - bigSquared) / ((1.0 / smallBatch) - (1.0 / bigBatch)));

    /// <summary>Takes step <paramref name="step"/>'s figures (0-based); non-finite ones (a spike's NaN) are left out.</summary>
    public void Add(int step, double smallSquared, double bigSquared, int smallBatch, int bigBatch)
    {
        if (!double.IsFinite(smallSquared) || !double.IsFinite(bigSquared) || bigBatch <= smallBatch)
        {
            return;
        }

        var (g, s) = Unbiased(smallSquared, bigSquared, smallBatch, bigBatch);
        (gradient, trace) = (gradient + (Alpha * (g - gradient)), trace + (Alpha * (s - trace)));
        Last = Value ?? Last;
        if ((step + 1) % SampleEvery == 0 && Value is { } value)
        {
            history.Add((step + 1, value));
        }
    }

    /// <summary>The moving averages and history, for a checkpoint: a resumed run adapts its batch as the uninterrupted one would.</summary>
    public NoiseScaleState Save() => new(gradient, trace, Last, [.. history.Select(p => new[] { p.Step, p.Value })]);

    public void Restore(NoiseScaleState? state)
    {
        (gradient, trace, Last) = state is null ? (0, 0, null) : (state.Gradient, state.Trace, state.Last);
        history.Clear();
        history.AddRange((state?.History ?? []).Select(p => ((int)p[0], p[1])));
    }
}

/// <summary>A checkpoint's record of the noise scale estimator.</summary>
public sealed record NoiseScaleState(
    [property: JsonPropertyName("gradient")] double Gradient,
    [property: JsonPropertyName("trace")] double Trace,
    [property: JsonPropertyName("last")] double? Last,
    [property: JsonPropertyName("history")] IReadOnlyList<double[]> History);
