namespace Platform.Spec;

/// <summary>How gradients are clipped: to a z-score limit over the running norm statistics, to <c>exploding.max_norm</c>, or to a percentile of recent norms.</summary>
public enum ClipMode
{
    ZScore,
    Fixed,
    Percentile,
}

/// <summary>Which layers the trust-ratio remedy scales: every weight layer once it has started, or only those found vanishing.</summary>
public enum LayerScope
{
    All,
    Vanishing,
}

/// <summary>What links the ranks: chosen per job (<c>auto</c>), Orleans grain messages, or direct sockets.</summary>
public enum Transport
{
    Auto,
    Orleans,
    Tcp,
}

/// <summary>How gradients travel on the wire: float32, or halved as fp16 or bf16.</summary>
public enum Compression
{
    None,
    Fp16,
    Bf16,
}

/// <summary>What a fault does to the gradients of its step, or to the rank (<c>stall</c>).</summary>
public enum FaultKind
{
    Nan,
    Inf,
    Scale,
    Stall,
}

/// <summary>How built-in models initialise their weights: TorchSharp's default, Xavier/Glorot or He/Kaiming.</summary>
public enum WeightInit
{
    Default,
    Xavier,
    He,
}

/// <summary>The built-in models' nonlinearity.</summary>
public enum ActivationKind
{
    Sigmoid,
    Tanh,
    Relu,
    Gelu,
}

/// <summary>The built-in models' normalisation: none, batch norm, or layer norm (group norm of one group for convolutions).</summary>
public enum NormKind
{
    None,
    Batch,
    Layer,
}

/// <summary>The recurrent model's cell.</summary>
public enum CellKind
{
    Rnn,
    Lstm,
    Gru,
}

/// <summary>The optimizer: SGD (momentum, Nesterov, L2 decay), Adam (L2 decay) or AdamW (decoupled decay).</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}

/// <summary>The learning-rate schedule after warm-up.</summary>
public enum ScheduleKind
{
    Constant,
    Step,
    Cosine,
}

/// <summary>The spelling of a choice in specs, summaries and logs: the enum member's name in lower case.</summary>
public static class Choice
{
    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string[] Names<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    /// <summary>The member spelled <paramref name="value"/>; a <see cref="SpecException"/> naming <paramref name="field"/> otherwise.</summary>
    public static T Parse<T>(string value, string field)
        where T : struct, Enum
    {
        foreach (var member in Enum.GetValues<T>())
        {
            if (Name(member) == value.ToLowerInvariant())
            {
                return member;
            }
        }

        throw new SpecException(field, $"unknown value '{value}' (expected one of: {string.Join(", ", Names<T>())})");
    }
}
