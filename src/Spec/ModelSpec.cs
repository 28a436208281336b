namespace Platform.Spec;

/// <summary>The network to train: an MLP, a small CNN or a recurrent net.</summary>
public sealed record ModelSpec(
    string Kind,
    int Depth,
    int Width,
    string Activation,
    string Init,
    string Norm,
    bool Residual,
    string Cell)
{
    public static readonly string[] Kinds = ["mlp", "cnn", "rnn"];
    public static readonly string[] Activations = ["sigmoid", "tanh", "relu", "gelu"];
    public static readonly string[] Inits = ["default", "xavier", "he"];
    public static readonly string[] Norms = ["none", "batch", "layer"];
    public static readonly string[] Cells = ["rnn", "lstm", "gru"];

    internal static ModelSpec Read(SpecNode n)
    {
        var kind = n.Choice("kind", "mlp", Kinds);
        var spec = new ModelSpec(
            kind,
            Depth: n.Int("depth", kind == "rnn" ? 1 : 2, min: 1, max: 1000),
            Width: n.Int("width", kind switch { "rnn" => 128, "cnn" => 32, _ => 256 }, min: 1, max: 1 << 16),
            Activation: n.Choice("activation", kind == "rnn" ? "tanh" : "relu", Activations),
            Init: n.Choice("init", "default", Inits),
            Norm: n.Choice("norm", "none", Norms),
            Residual: n.Bool("residual", false),
            Cell: n.Choice("cell", "lstm", Cells));
        n.RejectUnknownKeys();
        return spec;
    }
}
