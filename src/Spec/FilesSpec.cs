namespace Platform.Spec;

/// <summary>How inputs are scaled for the model; the statistics come from the training split only.</summary>
public enum NormalizeMethod
{
    None,
    Standard,
    MinMax,
}

/// <summary>What the labels are; <c>Auto</c> decides from their shape and type.</summary>
public enum DataTask
{
    Auto,
    Classification,
    Regression,
}

/// <summary>
/// The user's own data files (<c>data: {dataset: files}</c>). <c>train</c> is required, <c>test</c> optional;
/// <c>format</c> is inferred from <c>train</c> when unset. Defaults: <c>x_key</c> x, <c>y_key</c> y (npz,
/// safetensors); <c>train_labels</c>/<c>test_labels</c> required for npy and, for idx, the sibling file named
/// <c>labels</c>/<c>idx1</c> for <c>images</c>/<c>idx3</c>; <c>label</c> (csv) required; <c>normalize</c> none;
/// <c>image_size</c> the first image's, <c>channels</c> the images' own; <c>validation_fraction</c> 0.1 of
/// <c>train</c> held out (seeded by the job seed) when there is no <c>test</c>; <c>task</c> auto (N x k float
/// labels are regression with k outputs, N integer labels are classes).
/// </summary>
public sealed record FilesSpec(
    DataFormat Format,
    string Train,
    string? Test,
    string? TrainLabels,
    string? TestLabels,
    string XKey,
    string YKey,
    string? Label,
    NormalizeMethod Normalize,
    IReadOnlyList<int>? ImageSize,
    int? Channels,
    double ValidationFraction,
    DataTask Task)
{
    public static readonly string[] NormalizeNames = ["none", "standard", "minmax"];
    public static readonly string[] TaskNames = ["auto", "classification", "regression"];

    // The keys only some formats take, and which.
    private static readonly (string Key, DataFormat[] Formats)[] FormatKeys =
    [
        ("train_labels", [DataFormat.Npy, DataFormat.Idx]),
        ("test_labels", [DataFormat.Npy, DataFormat.Idx]),
        ("x_key", [DataFormat.Npz, DataFormat.Safetensors]),
        ("y_key", [DataFormat.Npz, DataFormat.Safetensors]),
        ("label", [DataFormat.Csv]),
        ("image_size", [DataFormat.Images]),
        ("channels", [DataFormat.Images]),
    ];

    /// <summary>Every key <c>files</c> adds to the data section; the other datasets refuse them.</summary>
    public static readonly string[] Keys = ["format", "train", "test", "normalize", "validation_fraction", "task", .. FormatKeys.Select(k => k.Key)];

    internal static FilesSpec Read(SpecNode n)
    {
        var train = Required(n, "train", "required for dataset files: the training file (or image folder)");
        var format = n.Has("format")
            ? DataFormats.Parse(n.Choice("format", "", DataFormats.Names))
            : DataFormats.Infer(train) ?? throw new SpecException(n.PathOf("format"), $"cannot tell the format from data.train '{train}'; set it to one of: {string.Join(", ", DataFormats.Names)}");
        foreach (var (key, formats) in FormatKeys)
        {
            n.RefuseUnless(key, formats.Contains(format), $"only for format{(formats.Length > 1 ? "s" : "")} {string.Join(" and ", formats.Select(DataFormats.Name))}");
        }

        var test = n.OptionalString("test");
        n.RefuseUnless("test_labels", test is not null, "set only with data.test");
        n.RefuseUnless("validation_fraction", test is null, "only without data.test: the test file is the held-out set");
        var spec = new FilesSpec(
            format,
            train,
            test,
            Labels(n, "train_labels", format, train),
            test is null ? null : Labels(n, "test_labels", format, test),
            n.String("x_key", "x"),
            n.String("y_key", "y"),
            format == DataFormat.Csv ? Required(n, "label", "required for format csv: the name of the target column") : null,
            (NormalizeMethod)Array.IndexOf(NormalizeNames, n.Choice("normalize", "none", NormalizeNames)),
            n.OptionalInts("image_size", 2, min: 1, max: 4096),
            ChannelsOf(n),
            n.Double("validation_fraction", 0.1, min: 0, max: 0.9, exclusiveMin: true),
            (DataTask)Array.IndexOf(TaskNames, n.Choice("task", "auto", TaskNames)));
        if (format == DataFormat.Images && spec.Task == DataTask.Regression)
        {
            throw new SpecException(n.PathOf("task"), "images are labelled by their class folder, so the task is classification");
        }

        return spec;
    }

    private static string? Labels(SpecNode n, string key, DataFormat format, string data) => format switch
    {
        DataFormat.Npy => Required(n, key, "required for format npy: the .npy of labels (N class ids, or N x k floats for regression)"),
        DataFormat.Idx => n.OptionalString(key) ?? DataFormats.IdxLabelsFor(data)
            ?? throw new SpecException(n.PathOf(key), $"required: '{Path.GetFileName(data)}' has no 'images' or 'idx3' in its name to find the labels file by"),
        _ => null,
    };

    private static int? ChannelsOf(SpecNode n) => n.OptionalInt("channels", min: 1, max: 3) switch
    {
        2 => throw new SpecException(n.PathOf("channels"), "must be 1 (grey) or 3 (colour) (got 2)"),
        var c => c,
    };

    private static string Required(SpecNode n, string key, string reason) =>
        n.OptionalString(key) is { Length: > 0 } value ? value : throw new SpecException(n.PathOf(key), reason);
}
