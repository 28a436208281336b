using System.Globalization;
using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health;

/// <summary>
/// The health rules and the policy, run once per step on the averaged statistics before the
/// optimizer. Deterministic: every rank feeds it the same figures and gets the same decision.
/// Limits keep remedies from running away: the learning rate never drops below its floor and
/// recovers after a quiet spell, layer scales are capped, rollbacks are counted, and repeated
/// learning-rate cuts wait for the cool-down.
/// </summary>
public sealed class HealthMonitor
{
    private const int NormHistory = 1000;
    private readonly HealthSpec spec;
    private readonly TelemetryLayout layout;
    private readonly int[] weights;
    private readonly int[] layerOf;
    private readonly int[] lowSteps;
    private readonly SpikeDetector spikes;
    private readonly Queue<double> norms = new();
    private readonly List<float> losses = [];
    private readonly AuditEpisodes episodes;
    private readonly HashSet<int> skipSteps = [];
    private (float[] Update, float[] Weight)? previous;
    private double lrScale = 1;
    private int lastLrDown = int.MinValue / 2;
    private int rollbacks;
    private bool trustMode;

    public HealthMonitor(HealthSpec spec, TelemetryLayout layout)
    {
        this.spec = spec;
        this.layout = layout;
        var names = layout.Layers;
        var weightIndices = Enumerable.Range(0, names.Count).Where(i => names[i].EndsWith(".weight", StringComparison.Ordinal)).ToArray();
        weights = weightIndices.Length > 0 ? weightIndices : [.. Enumerable.Range(0, names.Count)];

        // Every tensor belongs to the weight tensor of its module (layers.3.bias -> layers.3.weight), by parameter index.
        layerOf = [.. names.Select(n => weights.FirstOrDefault(w => Prefix(names[w]) == Prefix(n), -1))];
        lowSteps = new int[names.Count];
        spikes = new SpikeDetector(spec.Exploding.Alpha, spec.Exploding.ZThreshold, spec.Exploding.Warmup);
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
        var fired = new List<(string Rule, IReadOnlyList<string> Layers, double Value, double Threshold)>();
        var norm = t.GlobalGradNorm;
        var nonFinite = !float.IsFinite(t.Loss) || t.TotalNonFinite > 0 || !double.IsFinite(norm);

        if (nonFinite)
        {
            fired.Add(("nonfinite", Names(i => t.NonFinite[i] > 0), t.TotalNonFinite, 0));
        }
        else
        {
            if (norm > spec.Exploding.MaxNorm)
            {
                fired.Add(("exploding", [], norm, spec.Exploding.MaxNorm));
            }

            if (spikes.Ready && spikes.ZScore(norm) > spec.Exploding.ZThreshold)
            {
                fired.Add(("spike", [], norm, spikes.Limit));
            }

            Vanishing(t, fired);
        }

        LossPlateau(t.Loss, fired);
        UpdateRatio(fired);
        Activations(t, fired);
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
    public void Applied(StepTelemetry t) => previous = t.Skipped || t.UpdateNorm.Length == 0 ? null : (t.UpdateNorm, t.WeightNorm);

    /// <summary>What the monitor has learned, for a checkpoint.</summary>
    public HealthState Save() => new(
        [.. lowSteps], spikes.State.Mean, spikes.State.Variance, spikes.State.Seen, [.. norms], [.. losses], lrScale, lastLrDown,
        rollbacks, trustMode, [.. skipSteps.Order()], episodes.Save(), previous?.Update, previous?.Weight);

    /// <summary>Continues from a checkpoint's state (a resumed run; a rollback keeps the monitor as it is).</summary>
    public void Restore(HealthState state)
    {
        state.LowSteps.AsSpan().CopyTo(lowSteps);
        spikes.State = (state.SpikeMean, state.SpikeVariance, state.SpikeSeen);
        norms.Clear();
        foreach (var n in state.Norms)
        {
            norms.Enqueue(n);
        }

        losses.Clear();
        losses.AddRange(state.Losses);
        (lrScale, lastLrDown, rollbacks, trustMode) = (state.LrScale, state.LastLrDown, state.Rollbacks, state.TrustMode);
        skipSteps.Clear();
        skipSteps.UnionWith(state.SkipSteps);
        episodes.Restore(state.Episodes);

        previous = state.PreviousUpdate is { } u && state.PreviousWeight is { } w ? (u, w) : null;
    }

    /// <summary>After a rollback: the batches from <paramref name="badStep"/> on are skipped when the run gets there again.</summary>
    public void RolledBack(int badStep)
    {
        for (var s = badStep; s < badStep + Math.Max(1, spec.Remedies.SkipBatches); s++)
        {
            skipSteps.Add(s);
        }

        previous = null;
    }

    private void Act(int step, StepTelemetry t, List<(string Rule, IReadOnlyList<string> Layers, double Value, double Threshold)> fired, StepDecision d)
    {
        var actions = fired.SelectMany(f => spec.Policy[f.Rule].Select(a => (Action: a, Finding: f))).ToList();
        var nonFinite = fired.Any(f => f.Rule == "nonfinite");
        var r = spec.Remedies;
        if (skipSteps.Remove(step))
        {
            Remedy(d, step, "skip", [], t.GlobalGradNorm, 0, "batch skipped after a rollback");
            d.Skip = true;
        }
        else if (actions.Any(a => a.Action == "stop"))
        {
            var f = actions.First(a => a.Action == "stop").Finding;
            d.Stop = true;
            d.Reason = $"stopped by the health policy at step {step}: {f.Rule} ({Describe(f.Value)} against {Describe(f.Threshold)})";
            Remedy(d, step, "stop", f.Layers, f.Value, f.Threshold, d.Reason);
            return;
        }
        else if (nonFinite && actions.Any(a => a.Action == "rollback") && rollbacks < r.MaxRollbacks)
        {
            rollbacks++;
            d.Rollback = true;
            Remedy(d, step, "rollback", fired[0].Layers, fired[0].Value, 0, $"to the last good checkpoint, then skip {Math.Max(1, r.SkipBatches)} batch(es); rollback {rollbacks} of {r.MaxRollbacks}");
        }
        else if (nonFinite || actions.Any(a => a.Action == "skip"))
        {
            // A non-finite gradient is never applied while the policy acts, whatever it names.
            d.Skip = true;
            Remedy(d, step, "skip", fired[0].Layers, fired[0].Value, fired[0].Threshold, "update skipped");
        }

        if (actions.Any(a => a.Action == "pause"))
        {
            var f = actions.First(a => a.Action == "pause").Finding;
            d.Pause = true;
            d.Reason = $"paused by the health policy at step {step}: {f.Rule}";
            Remedy(d, step, "pause", f.Layers, f.Value, f.Threshold, d.Reason);
        }

        if (d.Skip || d.Rollback)
        {
            return;
        }

        foreach (var (action, f) in actions.DistinctBy(a => a.Action))
        {
            // A remedy taken for one rule is its own episode: a clip for a spike must not hide a clip for an explosion.
            var cause = string.Join('+', actions.Where(a => a.Action == action).Select(a => a.Finding.Rule).Distinct().Order(StringComparer.Ordinal));
            switch (action)
            {
                case "clip":
                    var limit = ClipLimit(fired);
                    if (t.GlobalGradNorm > limit)
                    {
                        d.ClipScale = limit / t.GlobalGradNorm;
                        Remedy(d, step, "clip", [], t.GlobalGradNorm, limit, $"global norm {Describe(t.GlobalGradNorm)} clipped to {Describe(limit)} ({r.ClipMode})", cause);
                    }

                    break;
                case "lr_down" when step - lastLrDown >= r.Cooldown && lrScale > r.LrFloor:
                    lrScale = Math.Max(r.LrFloor, lrScale * r.LrFactor);
                    lastLrDown = step;
                    Remedy(d, step, "lr_down", f.Layers, lrScale, r.LrFloor, $"learning rate x{Describe(lrScale)} of the schedule (floor x{Describe(r.LrFloor)})");
                    break;
                case "layer_scale":
                    trustMode = r.LayerScope == "all";
                    d.LayerScales = LayerScales(t, trustMode ? [.. weights.Select(w => layout.Layers[w])] : f.Layers);
                    Remedy(d, step, "layer_scale", f.Layers, d.LayerScales.Max(), r.MaxLayerScale, $"{(trustMode ? "every layer" : $"{f.Layers.Count} layer(s)")} scaled to a trust ratio of {Describe(r.Trust)}, largest factor {Describe(d.LayerScales.Max())}", cause);
                    break;
            }
        }

        // Once in trust-ratio mode (scope all), every later step takes it, vanishing found or not.
        if (trustMode && d.LayerScales is null)
        {
            d.LayerScales = LayerScales(t, [.. weights.Select(w => layout.Layers[w])]);
        }

        // Recovery: a quiet spell after the last cut brings the learning rate back up a notch.
        if (lrScale < 1 && step - lastLrDown >= r.LrRecoverSteps && !d.Remedies.Contains("lr_down"))
        {
            lrScale = Math.Min(1, lrScale / r.LrFactor);
            lastLrDown = step - r.LrRecoverSteps + r.Cooldown;
            Remedy(d, step, "lr_up", [], lrScale, 1, $"learning rate back to x{Describe(lrScale)} after {r.LrRecoverSteps} quiet steps");
        }

        d.LrScale = lrScale;
    }

    /// <summary>Per tensor: the factor that brings a vanishing layer's step to the trust ratio of its weights.</summary>
    private float[] LayerScales(StepTelemetry t, IReadOnlyList<string> layers)
    {
        var r = spec.Remedies;
        var scales = Enumerable.Repeat(1f, layout.Layers.Count).ToArray();
        var lr = t.LearningRate * lrScale;
        foreach (var w in weights.Where(w => layers.Contains(layout.Layers[w])))
        {
            var (g, weight) = (t.GradNorm[w], t.WeightNorm[w]);
            var factor = g > 0 && weight > 0 && lr > 0 ? r.Trust * weight / (lr * g) : r.MaxLayerScale;
            var s = (float)Math.Clamp(factor, r.LayerScope == "all" ? 1 / r.MaxLayerScale : 1, r.MaxLayerScale);
            for (var i = 0; i < scales.Length; i++)
            {
                if (layerOf[i] == w)
                {
                    scales[i] = s;
                }
            }
        }

        return scales;
    }

    private double ClipLimit(List<(string Rule, IReadOnlyList<string> Layers, double Value, double Threshold)> fired)
    {
        var limits = new List<double>();
        if (fired.Any(f => f.Rule == "exploding"))
        {
            limits.Add(spec.Exploding.MaxNorm);
        }

        var mode = spec.Remedies.ClipMode;
        if (mode == "percentile" && norms.Count > 0)
        {
            var sorted = norms.Order().ToList();
            limits.Add(sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(sorted.Count * spec.Remedies.ClipPercentile / 100))]);
        }
        else if (mode == "zscore" && spikes.Ready)
        {
            limits.Add(spikes.Limit);
        }

        return limits.Count > 0 ? limits.Min() : spec.Exploding.MaxNorm;
    }

    private void Vanishing(StepTelemetry t, List<(string, IReadOnlyList<string>, double, double)> fired)
    {
        if (t.GradNorm.Length == 0)
        {
            return;
        }

        var largest = weights.Max(w => t.GradNorm[w]);
        var v = spec.Vanishing;
        var vanishing = new List<int>();
        foreach (var w in weights)
        {
            var low = t.GradNorm[w] < v.Threshold || t.GradNorm[w] < v.Ratio * largest;
            lowSteps[w] = low ? lowSteps[w] + 1 : 0;
            if (lowSteps[w] >= v.Steps)
            {
                vanishing.Add(w);
            }
        }

        if (vanishing.Count > 0)
        {
            var smallest = vanishing.Min(w => t.GradNorm[w]);
            fired.Add(("vanishing", [.. vanishing.Select(w => layout.Layers[w])], smallest, Math.Max(v.Threshold, v.Ratio * largest)));
        }
    }

    private void LossPlateau(float loss, List<(string, IReadOnlyList<string>, double, double)> fired)
    {
        if (!float.IsFinite(loss))
        {
            return;
        }

        losses.Add(loss);
        var window = spec.Loss.Window;
        if (losses.Count < 2 * window || losses.Count % window != 0)
        {
            return;
        }

        var recent = losses.Skip(losses.Count - window).Average();
        var earlier = losses.Skip(losses.Count - (2 * window)).Take(window).Average();
        var decrease = earlier > 0 ? (earlier - recent) / earlier : 0;
        if (decrease < spec.Loss.MinDecrease)
        {
            fired.Add(("loss_plateau", [], decrease, spec.Loss.MinDecrease));
        }
    }

    private void UpdateRatio(List<(string, IReadOnlyList<string>, double, double)> fired)
    {
        if (previous is not var (update, weight))
        {
            return;
        }

        var u = spec.UpdateRatio;
        var outside = weights.Where(w => weight[w] > 0 && (update[w] / weight[w] is var ratio) && (ratio < u.Min || ratio > u.Max)).ToList();
        if (outside.Count > 0)
        {
            var worst = outside.Select(w => update[w] / weight[w]).OrderBy(r => Math.Abs(Math.Log10(Math.Max(r, 1e-30)))).Last();
            fired.Add(("update_ratio", [.. outside.Select(w => layout.Layers[w])], worst, worst > u.Max ? u.Max : u.Min));
        }
    }

    private void Activations(StepTelemetry t, List<(string, IReadOnlyList<string>, double, double)> fired)
    {
        var a = spec.Activations;
        var saturated = Enumerable.Range(0, t.Saturated.Length).Where(i => t.Saturated[i] > a.Saturated).ToList();
        if (saturated.Count > 0)
        {
            fired.Add(("saturation", [.. saturated.Select(i => layout.Activations[i])], saturated.Max(i => t.Saturated[i]), a.Saturated));
        }

        var dead = Enumerable.Range(0, t.Dead.Length).Where(i => t.Dead[i] > a.Dead).ToList();
        if (dead.Count > 0)
        {
            fired.Add(("dead_relu", [.. dead.Select(i => layout.Activations[i])], dead.Max(i => t.Dead[i]), a.Dead));
        }
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

    private void Remedy(StepDecision d, int step, string action, IReadOnlyList<string> layers, double value, double threshold, string detail, string cause = "")
    {
        d.Remedies.Add(action);
        Record(d, step, HealthRecordKind.Remedy, action, layers, value, threshold, detail, cause);
    }

    private void Record(StepDecision d, int step, HealthRecordKind kind, string name, IReadOnlyList<string> layers, double value, double threshold, string detail, string cause = "") =>
        episodes.Add(d.Records, new HealthRecord(step, kind, name, layers, value, threshold, detail), cause);

    private string[] Names(Func<int, bool> where) => [.. Enumerable.Range(0, layout.Layers.Count).Where(where).Select(i => layout.Layers[i])];

    private static string Prefix(string name) => name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : name;

    private static string Describe(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
