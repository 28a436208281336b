namespace Platform.Spec;

/// <summary>The names of the health rules, as specs, audits, metrics (<c>rule</c> label) and alerts spell them.</summary>
public static class HealthRuleNames
{
    public const string Vanishing = "vanishing";
    public const string Exploding = "exploding";
    public const string Spike = "spike";
    public const string NonFinite = "nonfinite";
    public const string LossPlateau = "loss_plateau";
    public const string Diverging = "diverging";
    public const string Overfit = "overfit";
    public const string Overtraining = "overtraining";
    public const string AllZero = "all_zero";
    public const string Unchanged = "unchanged";
    public const string PoorInit = "poor_init";
    public const string UpdateRatio = "update_ratio";
    public const string Saturation = "saturation";
    public const string DeadRelu = "dead_relu";
}

/// <summary>The names of the remedies, as specs, audits and metrics (<c>action</c> label) spell them.</summary>
public static class RemedyNames
{
    public const string Clip = "clip";
    public const string Skip = "skip";
    public const string LrDown = "lr_down";
    public const string LrUp = "lr_up";
    public const string LayerScale = "layer_scale";
    public const string Reinit = "reinit";
    public const string UpdateCap = "update_cap";
    public const string EarlyStop = "early_stop";
    public const string Rollback = "rollback";
    public const string Pause = "pause";
    public const string Stop = "stop";

    /// <summary>The coordinator's: a lost rank rebuilt, a draining silo left, a job grown, and the first step after one of them.</summary>
    public const string Recovery = "recovery";
    public const string Drain = "drain";
    public const string Rescale = "rescale";
    public const string Recovered = "recovered";
}
