using System.Globalization;
using Platform.Spec;
using Platform.Training.Health.Checks;
using Platform.Training.Telemetry;

namespace Platform.Training.Health;

/// <summary>
/// The health rules and the policy, run once per step on the averaged statistics before the
/// optimizer. Deterministic: every rank feeds it the same figures and gets the same decision.
/// Limits keep remedies from running away: the learning rate never drops below its floor and
/// recovers after a quiet spell, layer scales are capped, rollbacks are counted, and repeated
/// learning-rate cuts wait for the cool-down.
/// </summary>
public sealed partial class HealthMonitor
{
    private const int NormHistory = 1000;
    private readonly HealthSpec spec;
    private readonly TelemetryLayout layout;
    private readonly int[] weights;
    private readonly SpikeDetector spikes;
    private readonly VanishingCheck vanishing;
    private readonly LossPlateauCheck plateau;
    private readonly DivergenceCheck divergence;
    private readonly OverfitCheck overfit;
    private readonly EvalSpec eval;
    private readonly UpdateRatioCheck updateRatio;
    private readonly ActivationCheck activations;
    private readonly TensorCheck tensors;
    private readonly Queue<double> norms = new();
    private readonly AuditEpisodes episodes;
    private readonly HashSet<int> skipSteps = [];
    private double lrScale = 1;
    private int lastLrDown = int.MinValue / 2;
    private int rollbacks;
    private bool trustMode;
    private bool reinitDone;
    private bool capArmed;

    /// <summary>
    /// A monitor of <paramref name="spec"/>'s rules over tensors and activations named by <paramref name="layout"/>;
    /// <paramref name="eval"/> for the validation rules; <paramref name="peakLr"/>, the optimizer's learning rate
    /// before any schedule, against which the update-ratio minimum scales (0: it does not).
    /// </summary>
    public HealthMonitor(HealthSpec spec, TelemetryLayout layout, EvalSpec? eval = null, double peakLr = 0)
    {
        this.spec = spec;
        this.eval = eval ?? EvalSpec.Off;
        this.layout = layout;
        var names = layout.Layers;
        var weightIndices = Enumerable.Range(0, names.Count).Where(i => names[i].EndsWith(".weight", StringComparison.Ordinal)).ToArray();
        weights = weightIndices.Length > 0 ? weightIndices : [.. Enumerable.Range(0, names.Count)];

        spikes = new SpikeDetector(spec.Exploding.Alpha, spec.Exploding.ZThreshold, spec.Exploding.Warmup);
        vanishing = new VanishingCheck(spec.Vanishing, layout, weights);
        plateau = new LossPlateauCheck(spec.Loss);
        divergence = new DivergenceCheck(spec.Loss);
        overfit = new OverfitCheck(this.eval);
        updateRatio = new UpdateRatioCheck(spec.UpdateRatio, layout, weights, peakLr);
        activations = new ActivationCheck(spec.Activations, layout);
        tensors = new TensorCheck(spec.Tensors, layout, weights);
        episodes = new AuditEpisodes(spec.Remedies.Cooldown);
    }

    public double LrScale => lrScale;

    /// <summary>
    /// Decides for the step about to update (0-based <paramref name="step"/>) from its gradient
    /// figures (norms before any remedy) and loss.
    /// </summary>
    public StepDecision Decide(int step, StepTelemetry t)
    {
        var decision = new StepDecision();
        episodes.Close(decision.Records, step);
        var fired = new List<Finding>();
        var norm = t.GlobalGradNorm;
        var nonFinite = !float.IsFinite(t.Loss) || t.TotalNonFinite > 0 || !double.IsFinite(norm);

        if (nonFinite)
        {
            fired.Add(new Finding(HealthRuleNames.NonFinite, Names(i => t.NonFinite[i] > 0), t.TotalNonFinite, 0));
        }
        else
        {
            if (norm > spec.Exploding.MaxNorm)
            {
                fired.Add(new Finding(HealthRuleNames.Exploding, [], norm, spec.Exploding.MaxNorm));
            }

            if (spikes.Ready && spikes.ZScore(norm) > spec.Exploding.ZThreshold)
            {
                fired.Add(new Finding(HealthRuleNames.Spike, [], norm, spikes.Limit));
            }

            vanishing.Check(t, fired);
            tensors.Check(step, t, fired);
        }

        plateau.Check(t.Loss, fired);
        divergence.Check(t.Loss, fired);
        overfit.Check(t.Validation, fired);
        overfit.Train(t.Loss);
        updateRatio.Check(fired);
        activations.Check(t, fired);
        foreach (var (rule, layers, value, threshold) in fired)
        {
            decision.Findings.Add(rule);
            Record(decision, step, HealthRecordKind.Finding, rule, layers, value, threshold, "");
        }

        if (spec.Act)
        {
            Act(step, t, fired, decision);
        }

        // The detector learns from the norm as applied; skipped steps teach it nothing.
        if (!decision.Skip && !decision.Rollback)
        {
            spikes.Observe(norm * decision.ClipScale);
            Remember(norm * decision.ClipScale);
        }

        return decision;
    }

    /// <summary>At the end of the run: the repeats folded into episodes and not yet in the audit.</summary>
    public IReadOnlyList<HealthRecord> Finish()
    {
        var records = new List<HealthRecord>();
        episodes.CloseAll(records);
        return records;
    }

    /// <summary>The step's final figures, update norms included, for the update-ratio rule of the next step.</summary>
    public void Applied(StepTelemetry t)
    {
        updateRatio.Previous = t.Skipped || t.UpdateNorm.Length == 0 ? null : (t.UpdateNorm, t.WeightNorm);
        updateRatio.PreviousLr = t.LearningRate;
        tensors.Applied(t);
    }

    /// <summary>What the monitor has learned, for a checkpoint.</summary>
    public HealthState Save() => new(
        vanishing.LowSteps, spikes.State.Mean, spikes.State.Variance, spikes.State.Seen, [.. norms], plateau.Kept, lrScale, lastLrDown,
        rollbacks, trustMode, [.. skipSteps.Order()], episodes.Save(), updateRatio.Previous?.Update, updateRatio.Previous?.Weight)
    {
        LossesSeen = plateau.Seen,
        ReinitDone = reinitDone,
        FirstLoss = divergence.First,
        UpdateCapArmed = capArmed,
        BestValidation = overfit.Best,
        PreviousLearningRate = updateRatio.PreviousLr,
    };

    /// <summary>Continues from a checkpoint's state (a resumed run; a rollback keeps the monitor as it is).</summary>
    public void Restore(HealthState state)
    {
        vanishing.LowSteps = state.LowSteps;
        spikes.State = (state.SpikeMean, state.SpikeVariance, state.SpikeSeen);
        norms.Clear();
        foreach (var n in state.Norms)
        {
            norms.Enqueue(n);
        }

        plateau.Restore(state.Losses, state.LossesSeen);
        (lrScale, lastLrDown, rollbacks, trustMode, reinitDone) = (state.LrScale, state.LastLrDown, state.Rollbacks, state.TrustMode, state.ReinitDone);
        (divergence.First, capArmed, overfit.Best) = (state.FirstLoss, state.UpdateCapArmed, state.BestValidation);
        skipSteps.Clear();
        skipSteps.UnionWith(state.SkipSteps);
        episodes.Restore(state.Episodes);

        updateRatio.Previous = state.PreviousUpdate is { } u && state.PreviousWeight is { } w ? (u, w) : null;
        updateRatio.PreviousLr = state.PreviousLearningRate;
    }

    /// <summary>After a rollback: the batches from <paramref name="badStep"/> on are skipped when the run gets there again.</summary>
    public void RolledBack(int badStep)
    {
        for (var s = badStep; s < badStep + Math.Max(1, spec.Remedies.SkipBatches); s++)
        {
            skipSteps.Add(s);
        }

        updateRatio.Previous = null;
    }

    private void Remember(double norm)
    {
        if (double.IsFinite(norm))
        {
            norms.Enqueue(norm);
            if (norms.Count > NormHistory)
            {
                norms.Dequeue();
            }
        }
    }

    private void Record(StepDecision d, int step, HealthRecordKind kind, string name, IReadOnlyList<string> layers, double value, double threshold, string detail, string cause = "") =>
        episodes.Add(d.Records, new HealthRecord(step, kind, name, layers, value, threshold, detail), cause);

    private string[] Names(Func<int, bool> where) => [.. Enumerable.Range(0, layout.Layers.Count).Where(where).Select(i => layout.Layers[i])];

    private static string Describe(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
