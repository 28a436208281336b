using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>
/// Reads the measured gradient noise scale as the critical batch (McCandlish et al. 2018) and says
/// what it means for the job's global batch: well below it a larger batch trains faster at the same
/// quality, well above it the extra samples per step buy little. The critical batch is the median of
/// the smoothed values over the run's last quarter: the last value alone swings widely once the
/// gradient gets small (the estimate of |G|^2 is a difference of noisy figures).
/// </summary>
internal static class BatchAdvisor
{
    /// <summary>Within this factor of the critical batch the batch is called well chosen.</summary>
    private const double Near = 2;

    /// <summary>The advice on the batch the run ended with (<c>adaptive_batch</c> may have grown it).</summary>
    public static BatchAdvice? Advise(string specYaml, int workers, WorkerOutcome outcome)
    {
        int batch;
        try
        {
            batch = JobSpecDocument.Parse(specYaml).Validate().BatchSize;
        }
        catch (SpecException)
        {
            return null;
        }

        batch = outcome.BatchSchedule.IsDefaultOrEmpty ? batch : outcome.BatchSchedule[^1].Batch;
        return Advise(batch, workers, outcome.NoiseScale, outcome.NoiseScaleHistory.IsDefault ? [] : outcome.NoiseScaleHistory);
    }

    public static BatchAdvice Advise(int batch, int workers, double? noiseScale, IReadOnlyList<NoiseScalePoint> history)
    {

        if (noiseScale is not { } b || !double.IsFinite(b))
        {
            return new BatchAdvice(null, batch, workers < 2
                ? "the gradient noise scale needs 2 or more ranks: it compares each rank's gradient with their average"
                : "the gradient noise scale was not measured (telemetry and health were off, or the run was too short)");
        }

        var end = history.Count > 0 ? history[^1].Step : 0;
        var late = history.Where(p => p.Step > end * 3 / 4).Select(p => p.Value).ToList();
        b = late.Count >= 3 ? Text.Median(late) : b;
        var critical = (int)Math.Round(b);
        var text = batch * Near < b
            ? $"batch {batch} is below the critical batch of ~{critical}: a larger batch (up to ~{critical}, the learning rate scaled with it) would train faster at the same quality"
            : batch > b * Near
                ? $"batch {batch} is above the critical batch of ~{critical}: a smaller batch would reach the same loss with less compute"
                : $"batch {batch} is near the critical batch of ~{critical}: well chosen for the end of this run";
        return new BatchAdvice(critical, batch, text);
    }
}
