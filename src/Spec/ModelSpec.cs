namespace Platform.Spec;

/// <summary>
/// The network to train: a built-in MLP, CNN or recurrent net, a user's own TorchSharp module from a
/// .NET assembly (<c>kind: assembly</c>, <c>path</c>, <c>type</c>, <c>options</c>), or a module a
/// PyTorch user saved with <c>torch.jit.script(model).save(path)</c> (<c>kind: torchscript</c>).
/// </summary>
public sealed record ModelSpec(
    string Kind,
    int Depth,
    int Width,
    ActivationKind Activation,
    WeightInit Init,
    NormKind Norm,
    bool Residual,
    CellKind Cell,
    string? Path = null,
    string? Type = null,
    IReadOnlyDictionary<string, string>? Options = null)
{
    /// <summary>For <c>cnn</c>: the two-convolution blocks after each stage's first convolution (residual ones with <c>residual</c>); unset, 1 with <c>residual</c> and 0 without.</summary>
    public int? Blocks { get; init; }

    /// <summary><see cref="Blocks"/>, or its default.</summary>
    public int BlocksPerStage => Blocks ?? (Residual ? 1 : 0);

    public const string Assembly = "assembly";
    public const string TorchScript = "torchscript";

    public static readonly string[] Kinds = ["mlp", "cnn", "rnn", Assembly, TorchScript];

    /// <summary>The model's code comes from the user (an assembly or a TorchScript file), shipped with the job.</summary>
    public bool IsUserCode => Kind is Assembly or TorchScript;

    internal static ModelSpec Read(SpecNode n)
    {
        var kind = n.Choice("kind", "mlp", Kinds);
        var spec = kind switch
        {
            Assembly => UserCode(kind, Required(n, "path", "the .dll that holds the model"), Required(n, "type", "the model's full class name, such as MyCompany.Models.WideNet"), n.StringMap("options")),
            TorchScript => UserCode(kind, Required(n, "path", "the file saved by torch.jit.script(model).save(...)"), null, null),
            _ => BuiltIn(kind, n),
        };
        n.RejectUnknownKeys();
        return spec;
    }

    private static ModelSpec BuiltIn(string kind, SpecNode n)
    {
        n.RefuseUnless("blocks", kind == "cnn", "only for model kind cnn");
        var residual = n.Bool("residual", false);
        return new ModelSpec(
            kind,
            Depth: n.Int("depth", kind == "rnn" ? 1 : 2, min: 1, max: 1000),
            Width: n.Int("width", kind switch { "rnn" => 128, "cnn" => 32, _ => 256 }, min: 1, max: 1 << 16),
            Activation: n.Choice("activation", kind == "rnn" ? ActivationKind.Tanh : ActivationKind.Relu),
            Init: n.Choice("init", WeightInit.Default),
            Norm: n.Choice("norm", NormKind.None),
            Residual: residual,
            Cell: n.Choice("cell", CellKind.Lstm))
        {
            Blocks = kind == "cnn" ? n.OptionalInt("blocks", min: 0, max: 100) : null,
        };
    }

    private static string Required(SpecNode n, string key, string what) =>
        n.OptionalString(key) is { Length: > 0 } value ? value : throw new SpecException(n.PathOf(key), $"required for this model kind: {what}");

    private static ModelSpec UserCode(string kind, string path, string? type, IReadOnlyDictionary<string, string>? options) =>
        new(kind, 0, 0, ActivationKind.Relu, WeightInit.Default, NormKind.None, false, CellKind.Lstm, path, type, options ?? new Dictionary<string, string>());
}
