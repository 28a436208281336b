namespace Platform.Spec;

/// <summary>
/// Gradient-health rules and the policy that maps their findings to remedies, decided once per
/// step from the averaged statistics, before the optimizer. <c>enabled: false</c> turns it all off;
/// <c>mode: observe</c> records findings without acting.
/// </summary>
public sealed record HealthSpec(
    bool Enabled,
    bool Act,
    VanishingRule Vanishing,
    ExplodingRule Exploding,
    LossRule Loss,
    UpdateRatioRule UpdateRatio,
    ActivationRule Activations,
    TensorRule Tensors,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Policy,
    RemedySettings Remedies)
{
    /// <summary>What a rule can find.</summary>
    public static readonly string[] Rules =
    [
        HealthRuleNames.Vanishing, HealthRuleNames.Exploding, HealthRuleNames.Spike, HealthRuleNames.NonFinite,
        HealthRuleNames.LossPlateau, HealthRuleNames.Diverging, HealthRuleNames.Overfit, HealthRuleNames.Overtraining, HealthRuleNames.AllZero, HealthRuleNames.Unchanged, HealthRuleNames.PoorInit, HealthRuleNames.UpdateRatio, HealthRuleNames.Saturation, HealthRuleNames.DeadRelu,
    ];

    /// <summary>What the policy can do about it.</summary>
    public static readonly string[] Actions =
        [RemedyNames.Clip, RemedyNames.Skip, RemedyNames.LrDown, RemedyNames.LayerScale, RemedyNames.Reinit, RemedyNames.UpdateCap, RemedyNames.EarlyStop, RemedyNames.Rollback, RemedyNames.Pause, RemedyNames.Stop];

    /// <summary>The default policy: fix what can be fixed in the step, record the rest.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultPolicy = new Dictionary<string, IReadOnlyList<string>>
    {
        [HealthRuleNames.Vanishing] = [RemedyNames.Reinit, RemedyNames.LayerScale],
        [HealthRuleNames.Exploding] = [RemedyNames.Clip],
        [HealthRuleNames.Spike] = [RemedyNames.Clip],
        [HealthRuleNames.NonFinite] = [RemedyNames.Rollback],
        [HealthRuleNames.LossPlateau] = [RemedyNames.LrDown],
        [HealthRuleNames.Diverging] = [RemedyNames.UpdateCap],
        [HealthRuleNames.Overfit] = [RemedyNames.EarlyStop],
        [HealthRuleNames.Overtraining] = [],
        [HealthRuleNames.AllZero] = [],
        [HealthRuleNames.Unchanged] = [],
        [HealthRuleNames.PoorInit] = [],
        [HealthRuleNames.UpdateRatio] = [],
        [HealthRuleNames.Saturation] = [],
        [HealthRuleNames.DeadRelu] = [],
    };

    internal static HealthSpec Read(SpecNode n)
    {
        var policyNode = n.Section("policy");
        var policy = Rules.ToDictionary(rule => rule, rule => policyNode.Words(rule, DefaultPolicy[rule], Actions));
        policyNode.RejectUnknownKeys();
        var spec = new HealthSpec(
            n.Bool("enabled", true),
            n.Choice("mode", "act", "act", "observe") == "act",
            VanishingRule.Read(n.Section("vanishing")),
            ExplodingRule.Read(n.Section("exploding")),
            LossRule.Read(n.Section("loss")),
            UpdateRatioRule.Read(n.Section("update_ratio")),
            ActivationRule.Read(n.Section("activations")),
            TensorRule.Read(n.Section("tensors")),
            policy,
            RemedySettings.Read(n.Section("remedies")));
        n.RejectUnknownKeys();
        return spec;
    }
}

/// <summary>A weight tensor's gradient norm below <c>threshold</c>, or below <c>ratio</c> times the largest layer's, for <c>steps</c> steps in a row.</summary>
public sealed record VanishingRule(double Threshold, double Ratio, int Steps)
{
    internal static VanishingRule Read(SpecNode n)
    {
        var rule = new VanishingRule(n.Double("threshold", 1e-6, min: 0), n.Double("ratio", 1e-3, min: 0, max: 1), n.Int("steps", 5, min: 1));
        n.RejectUnknownKeys();
        return rule;
    }
}

/// <summary>
/// Global gradient norm above <c>max_norm</c> (exploding), or a spike: its z-score against an
/// exponential moving mean and variance (weight <c>alpha</c>) above <c>z_threshold</c> after <c>warmup</c> steps.
/// </summary>
public sealed record ExplodingRule(double MaxNorm, double ZThreshold, int Warmup, double Alpha)
{
    internal static ExplodingRule Read(SpecNode n)
    {
        var rule = new ExplodingRule(
            n.Double("max_norm", 100, min: 0, exclusiveMin: true),
            n.Double("z_threshold", 3, min: 0, exclusiveMin: true),
            n.Int("warmup", 25, min: 1),
            n.Double("alpha", 0.05, min: 0, max: 1, exclusiveMin: true));
        n.RejectUnknownKeys();
        return rule;
    }
}

/// <summary>
/// The loss rules: <c>loss_plateau</c>, the mean loss of the last <c>window</c> steps not below the
/// previous window's by <c>min_decrease</c> (relative); <c>diverging</c>, a step's loss above
/// <c>diverge_factor</c> times the run's first loss.
/// </summary>
public sealed record LossRule(int Window, double MinDecrease, double DivergeFactor)
{
    internal static LossRule Read(SpecNode n)
    {
        var rule = new LossRule(n.Int("window", 200, min: 2), n.Double("min_decrease", 0.001, min: 0), n.Double("diverge_factor", 1.25, min: 1, exclusiveMin: true));
        n.RejectUnknownKeys();
        return rule;
    }
}

/// <summary>A weight tensor's update/weight ratio outside [<c>min</c>, <c>max</c>].</summary>
public sealed record UpdateRatioRule(double Min, double Max)
{
    internal static UpdateRatioRule Read(SpecNode n)
    {
        var rule = new UpdateRatioRule(n.Double("min", 1e-8, min: 0), n.Double("max", 10, min: 0, exclusiveMin: true));
        n.RejectUnknownKeys();
        return rule.Min >= rule.Max ? throw new SpecException(n.PathOf("min"), $"must be below max ({rule.Max})") : rule;
    }
}

/// <summary>
/// A weight tensor the optimizer left where it was for <c>unchanged_steps</c> applied steps in a row;
/// and, in the first <c>init_steps</c> steps, weight gradients spread over more than <c>init_spread</c>
/// between the largest and the smallest (<c>poor_init</c>).
/// </summary>
public sealed record TensorRule(int UnchangedSteps, int InitSteps = 10, double InitSpread = 1e4)
{
    internal static TensorRule Read(SpecNode n)
    {
        var rule = new TensorRule(n.Int("unchanged_steps", 5, min: 1), n.Int("init_steps", 10, min: 0), n.Double("init_spread", 1e4, min: 1, exclusiveMin: true));
        n.RejectUnknownKeys();
        return rule;
    }
}

/// <summary>An activation module with more than <c>saturated</c> of its outputs saturated, or <c>dead</c> of its units dead.</summary>
public sealed record ActivationRule(double Saturated, double Dead)
{
    internal static ActivationRule Read(SpecNode n)
    {
        var rule = new ActivationRule(n.Double("saturated", 0.9, min: 0, max: 1), n.Double("dead", 0.9, min: 0, max: 1));
        n.RejectUnknownKeys();
        return rule;
    }
}

/// <summary>
/// How remedies act, with their limits: clipping (<c>fixed</c> to the rule's max_norm, <c>zscore</c>
/// to the spike threshold, or <c>percentile</c> of the norm history), the layer trust ratio, its
/// largest factor and scope (<c>vanishing</c>: the layers found vanishing, while they are; <c>all</c>:
/// once a layer vanishes, every layer takes trust-ratio steps for the rest of the run, as LARS does), the learning-rate factor, floor and recovery, how many batches a rollback skips
/// and how many rollbacks a job may take, the cool-down between repeated remedies, and the
/// data-driven re-initialisation: taken at most once, only before step <c>reinit_within</c>, on the
/// first <c>reinit_samples</c> training samples; the trust region of <c>update_cap</c> (the
/// update_ratio rule's remedy, checked on every step before it is taken): no weight tensor steps
/// further than <c>max_update_ratio</c> times its norm.
/// </summary>
public sealed record RemedySettings(
    ClipMode ClipMode,
    double ClipPercentile,
    double Trust,
    double MaxLayerScale,
    LayerScope LayerScope,
    double LrFactor,
    double LrFloor,
    int LrRecoverSteps,
    int SkipBatches,
    int MaxRollbacks,
    int Cooldown,
    int ReinitWithin,
    int ReinitSamples,
    double MaxUpdateRatio)
{
    internal static RemedySettings Read(SpecNode n)
    {
        var settings = new RemedySettings(
            n.Choice("clip_mode", ClipMode.ZScore),
            n.Double("clip_percentile", 10, min: 0, max: 100, exclusiveMin: true),
            n.Double("trust", 3e-3, min: 0, exclusiveMin: true),
            n.Double("max_layer_scale", 1e12, min: 1),
            n.Choice("layer_scope", LayerScope.All),
            n.Double("lr_factor", 0.5, min: 0, max: 1, exclusiveMin: true),
            n.Double("lr_floor", 0.01, min: 0, max: 1),
            n.Int("lr_recover_steps", 500, min: 1),
            n.Int("skip_batches", 1, min: 0),
            n.Int("max_rollbacks", 5, min: 0),
            n.Int("cooldown", 50, min: 0),
            n.Int("reinit_within", 200, min: 0),
            n.Int("reinit_samples", 512, min: 2),
            n.Double("max_update_ratio", 0.01, min: 0, exclusiveMin: true));
        n.RejectUnknownKeys();
        return settings;
    }
}
