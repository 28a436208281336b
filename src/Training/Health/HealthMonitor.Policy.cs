using Platform.Spec;
using Platform.Training.Optim;
using Platform.Training.Telemetry;

namespace Platform.Training.Health;

/// <summary>The policy: the remedies the spec maps the step's findings to, within their limits (learning-rate floor and recovery, layer-scale cap, rollback count, cool-down).</summary>
public sealed partial class HealthMonitor
{
    private void Act(int step, StepTelemetry t, List<Finding> fired, StepDecision d)
    {
        var actions = fired.SelectMany(f => spec.Policy[f.Rule].Select(a => (Action: a, Finding: f))).ToList();
        var nonFinite = fired.Any(f => f.Rule == HealthRuleNames.NonFinite);
        var r = spec.Remedies;
        if (skipSteps.Remove(step))
        {
            Remedy(d, step, RemedyNames.Skip, [], t.GlobalGradNorm, 0, "batch skipped after a rollback");
            d.Skip = true;
        }
        else if (actions.Any(a => a.Action == RemedyNames.Stop))
        {
            var f = actions.First(a => a.Action == RemedyNames.Stop).Finding;
            d.Stop = true;
            d.Reason = $"stopped by the health policy at step {step}: {f.Rule} ({Describe(f.Value)} against {Describe(f.Threshold)})";
            Remedy(d, step, RemedyNames.Stop, f.Layers, f.Value, f.Threshold, d.Reason);
            return;
        }
        else if (nonFinite && actions.Any(a => a.Action == RemedyNames.Rollback) && rollbacks < r.MaxRollbacks)
        {
            rollbacks++;
            d.Rollback = true;
            Remedy(d, step, RemedyNames.Rollback, fired[0].Layers, fired[0].Value, 0, $"to the last good checkpoint, then skip {Math.Max(1, r.SkipBatches)} batch(es); rollback {rollbacks} of {r.MaxRollbacks}");
        }
        else if (nonFinite || actions.Any(a => a.Action == RemedyNames.Skip))
        {
            // A non-finite gradient is never applied while the policy acts, whatever it names.
            d.Skip = true;
            Remedy(d, step, RemedyNames.Skip, fired[0].Layers, fired[0].Value, fired[0].Threshold, "update skipped");
        }

        if (actions.Any(a => a.Action == RemedyNames.Pause))
        {
            var f = actions.First(a => a.Action == RemedyNames.Pause).Finding;
            d.Pause = true;
            d.Reason = $"paused by the health policy at step {step}: {f.Rule}";
            Remedy(d, step, RemedyNames.Pause, f.Layers, f.Value, f.Threshold, d.Reason);
        }

        if (d.Skip || d.Rollback)
        {
            return;
        }

        // Early in the run, vanishing layers are first re-initialised from data, once; the step's
        // gradient was taken on the old weights, so it is not applied, and nothing else acts on it.
        if (!reinitDone && step < r.ReinitWithin && actions.FirstOrDefault(a => a.Action == RemedyNames.Reinit) is { Finding: { } vanished })
        {
            reinitDone = true;
            d.Reinit = true;
            d.Skip = true;
            vanishing.LowSteps = new int[layout.Layers.Count];
            Remedy(d, step, RemedyNames.Reinit, vanished.Layers, vanished.Value, vanished.Threshold, $"layers re-initialised to centred, unit-variance outputs on the first {r.ReinitSamples} training samples; this step's update skipped", HealthRuleNames.Vanishing);
            return;
        }

        foreach (var (action, f) in actions.Where(a => a.Action != RemedyNames.Reinit).DistinctBy(a => a.Action))
        {
            // A remedy taken for one rule is its own episode: a clip for a spike must not hide a clip for an explosion.
            var cause = string.Join('+', actions.Where(a => a.Action == action).Select(a => a.Finding.Rule).Distinct().Order(StringComparer.Ordinal));
            switch (action)
            {
                case RemedyNames.Clip:
                    var limit = ClipLimit(fired);
                    if (t.GlobalGradNorm > limit)
                    {
                        d.ClipScale = limit / t.GlobalGradNorm;
                        Remedy(d, step, RemedyNames.Clip, [], t.GlobalGradNorm, limit, $"global norm {Describe(t.GlobalGradNorm)} clipped to {Describe(limit)} ({Choice.Name(r.ClipMode)})", cause);
                    }

                    break;
                case RemedyNames.LrDown when step - lastLrDown >= r.Cooldown && lrScale > r.LrFloor:
                    lrScale = Math.Max(r.LrFloor, lrScale * r.LrFactor);
                    lastLrDown = step;
                    Remedy(d, step, RemedyNames.LrDown, f.Layers, lrScale, r.LrFloor, $"learning rate x{Describe(lrScale)} of the schedule (floor x{Describe(r.LrFloor)})");
                    break;
                case RemedyNames.EarlyStop when !d.EarlyStop:
                    d.EarlyStop = true;
                    Remedy(d, step, RemedyNames.EarlyStop, [], f.Value, f.Threshold, $"training ends after this step: the validation loss has not improved on {Describe(f.Threshold)} (step {overfit.Best!.Step}) for {eval.Patience} evaluations{(eval.KeepBest ? $"; the weights of step {overfit.Best!.Step} are kept" : "")}", cause);
                    break;
                case RemedyNames.UpdateCap when !capArmed:
                    capArmed = true;
                    Remedy(d, step, RemedyNames.UpdateCap, f.Layers, f.Value, f.Threshold, $"trust region on for the rest of the run: no weight tensor steps further than {Describe(r.MaxUpdateRatio)} of its norm", cause);
                    break;
                case RemedyNames.LayerScale:
                    trustMode = r.LayerScope == LayerScope.All;
                    d.LayerScales = LayerScales(t, trustMode ? [.. weights.Select(w => layout.Layers[w])] : f.Layers);
                    Remedy(d, step, RemedyNames.LayerScale, f.Layers, d.LayerScales.Max(), r.MaxLayerScale, $"{(trustMode ? "every layer" : $"{f.Layers.Count} layer(s)")} scaled to a trust ratio of {Describe(r.Trust)}, largest factor {Describe(d.LayerScales.Max())}", cause);
                    break;
            }
        }

        // Once in trust-ratio mode (scope all), every later step takes it, vanishing found or not.
        if (trustMode && d.LayerScales is null)
        {
            d.LayerScales = LayerScales(t, [.. weights.Select(w => layout.Layers[w])]);
        }

        // Recovery: a quiet spell after the last cut brings the learning rate back up a notch.
        if (lrScale < 1 && step - lastLrDown >= r.LrRecoverSteps && !d.Remedies.Contains(RemedyNames.LrDown))
        {
            lrScale = Math.Min(1, lrScale / r.LrFactor);
            lastLrDown = step - r.LrRecoverSteps + r.Cooldown;
            Remedy(d, step, RemedyNames.LrUp, [], lrScale, 1, $"learning rate back to x{Describe(lrScale)} after {r.LrRecoverSteps} quiet steps");
        }

        d.LrScale = lrScale;
    }

    /// <summary>Per tensor: the factor that brings a vanishing layer's weight step to the trust ratio of its norm (biases keep 1).</summary>
    private float[] LayerScales(StepTelemetry t, IReadOnlyList<string> layers)
    {
        var r = spec.Remedies;
        var scales = Enumerable.Repeat(1f, layout.Layers.Count).ToArray();
        var lr = t.LearningRate * lrScale;
        foreach (var w in weights.Where(w => layers.Contains(layout.Layers[w])))
        {
            var (g, weight) = (t.GradNorm[w], t.WeightNorm[w]);
            var factor = g > 0 && weight > 0 && lr > 0 ? r.Trust * weight / (lr * g) : r.MaxLayerScale;
            scales[w] = (float)Math.Clamp(factor, r.LayerScope == LayerScope.All ? 1 / r.MaxLayerScale : 1, r.MaxLayerScale);
        }

        return scales;
    }

    private double ClipLimit(List<Finding> fired)
    {
        var limits = new List<double>();
        if (fired.Any(f => f.Rule == HealthRuleNames.Exploding))
        {
            limits.Add(spec.Exploding.MaxNorm);
        }

        var mode = spec.Remedies.ClipMode;
        if (mode == ClipMode.Percentile && norms.Count > 0)
        {
            var sorted = norms.Order().ToList();
            limits.Add(sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(sorted.Count * spec.Remedies.ClipPercentile / 100))]);
        }
        else if (mode == ClipMode.ZScore && spikes.Ready)
        {
            limits.Add(spikes.Limit);
        }

        return limits.Count > 0 ? limits.Min() : spec.Exploding.MaxNorm;
    }

    /// <summary>
    /// The trust region of the step <paramref name="t"/> measured, while the policy acts and either
    /// answers <c>update_ratio</c> with <c>update_cap</c> (every step) or a finding has armed
    /// <c>update_cap</c> (from that step on, the default for <c>diverging</c>); else none.
    /// </summary>
    public UpdateLimit? Limit(StepTelemetry t) =>
        spec.Act && (capArmed || spec.Policy[HealthRuleNames.UpdateRatio].Contains(RemedyNames.UpdateCap)) ? new UpdateLimit(spec.Remedies.MaxUpdateRatio, t.WeightNorm) : null;

    /// <summary>After the optimizer: the tensors whose step the trust region shortened, as a finding and its remedy.</summary>
    public void Capped(int step, UpdateLimit limit, StepDecision d)
    {
        var capped = Enumerable.Range(0, layout.Layers.Count).Where(i => limit.Capped[i] > 0).ToList();
        if (capped.Count == 0)
        {
            return;
        }

        var (layers, largest) = ((IReadOnlyList<string>)[.. capped.Select(i => layout.Layers[i])], capped.Max(i => (double)limit.Capped[i]));
        d.Findings.Add(HealthRuleNames.UpdateRatio);
        Record(d, step, HealthRecordKind.Finding, HealthRuleNames.UpdateRatio, layers, largest, limit.MaxRatio, "");
        Remedy(d, step, RemedyNames.UpdateCap, layers, largest, limit.MaxRatio, $"{capped.Count} tensor(s) stepped {Describe(limit.MaxRatio)} of their weight norm instead of up to {Describe(largest)}", HealthRuleNames.UpdateRatio);
    }

    private void Remedy(StepDecision d, int step, string action, IReadOnlyList<string> layers, double value, double threshold, string detail, string cause = "")
    {
        d.Remedies.Add(action);
        Record(d, step, HealthRecordKind.Remedy, action, layers, value, threshold, detail, cause);
    }
}
