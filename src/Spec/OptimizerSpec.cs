namespace Platform.Spec;

/// <summary>Optimizer settings; <c>momentum</c> applies to sgd, <c>beta1/beta2/eps</c> to adam and adamw.</summary>
public sealed record OptimizerSpec(OptimizerKind Kind, double Lr, double Momentum, bool Nesterov, double WeightDecay, double Beta1, double Beta2, double Eps)
{
    internal static OptimizerSpec Read(SpecNode n)
    {
        var kind = n.Choice("kind", OptimizerKind.Sgd);
        var spec = new OptimizerSpec(
            kind,
            Lr: n.Double("lr", kind == OptimizerKind.Sgd ? 0.1 : 0.001, min: 0, exclusiveMin: true),
            Momentum: n.Double("momentum", kind == OptimizerKind.Sgd ? 0.9 : 0, min: 0, max: 1),
            Nesterov: n.Bool("nesterov", false),
            WeightDecay: n.Double("weight_decay", kind == OptimizerKind.AdamW ? 0.01 : 0, min: 0),
            Beta1: n.Double("beta1", 0.9, min: 0, max: 1),
            Beta2: n.Double("beta2", 0.999, min: 0, max: 1),
            Eps: n.Double("eps", 1e-8, min: 0, exclusiveMin: true));
        n.RejectUnknownKeys();
        if (spec.Momentum >= 1)
        {
            throw new SpecException(n.PathOf("momentum"), "must be < 1");
        }

        return spec;
    }
}
