namespace Platform.Training.Health;

/// <summary>
/// The ZClip idea: an exponential moving mean and variance of the global gradient norm; after a
/// warm-up, a norm whose z-score is above the threshold is a spike. The statistics are fed the norm
/// as it was applied (clipped), so one spike does not teach the detector that spikes are normal.
/// </summary>
internal sealed class SpikeDetector(double alpha, double zThreshold, int warmup)
{
    private double mean;
    private double variance;
    private int seen;

    public bool Ready => seen >= warmup;

    /// <summary>The norm a spike is clipped to: mean plus threshold standard deviations.</summary>
    public double Limit => mean + (zThreshold * Math.Sqrt(variance));

    public double ZScore(double norm) => variance > 0 ? (norm - mean) / Math.Sqrt(variance) : 0;

    public (double Mean, double Variance, int Seen) State
    {
        get => (mean, variance, seen);
        set => (mean, variance, seen) = value;
    }

    public void Observe(double norm)
    {
        if (!double.IsFinite(norm))
        {
            return;
        }

        if (seen == 0)
        {
            (mean, variance) = (norm, 0);
        }
        else
        {
            var delta = norm - mean;
            mean += alpha * delta;
            variance = (1 - alpha) * (variance + (alpha * delta * delta));
        }

        seen++;
    }
}
