namespace Platform.Spec;

/// <summary>A file format that <c>data: {dataset: files}</c> reads.</summary>
public enum DataFormat
{
    Npz,
    Npy,
    Csv,
    Images,
    Safetensors,
    Idx,
}

/// <summary>Format names as the spec spells them, and the format a training path implies.</summary>
public static class DataFormats
{
    public static readonly string[] Names = ["npz", "npy", "csv", "images", "safetensors", "idx"];

    public static DataFormat Parse(string name) => (DataFormat)Array.IndexOf(Names, name);

    public static string Name(DataFormat format) => Names[(int)format];

    /// <summary>
    /// The format <paramref name="train"/> implies: its extension, an MNIST-style idx name, or a folder
    /// (an existing one, or a path that ends in a separator or has no extension) for images; null when none fits.
    /// </summary>
    public static DataFormat? Infer(string train)
    {
        var name = Path.GetFileName(train.TrimEnd('/', '\\')).ToLowerInvariant();
        var extension = Path.GetExtension(name);
        return extension switch
        {
            ".npz" => DataFormat.Npz,
            ".npy" => DataFormat.Npy,
            ".csv" => DataFormat.Csv,
            ".safetensors" => DataFormat.Safetensors,
            _ when IsIdxName(name) || extension == ".gz" => DataFormat.Idx,
            _ when extension.Length == 0 || train.EndsWith('/') || Directory.Exists(train) => DataFormat.Images,
            _ => null,
        };
    }

    /// <summary>
    /// The labels file next to an idx images file, named as the MNIST family names them
    /// (<c>train-images-idx3-ubyte</c> -> <c>train-labels-idx1-ubyte</c>); null when the name has neither part to swap.
    /// </summary>
    public static string? IdxLabelsFor(string images)
    {
        var name = Path.GetFileName(images);
        var labels = name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal);
        return labels == name ? null : Path.Combine(Path.GetDirectoryName(images) ?? "", labels);
    }

    // The idx files of the MNIST family carry the rank in the name: idx1 for labels, idx3 for images.
    private static bool IsIdxName(string name)
    {
        var at = name.IndexOf("idx", StringComparison.Ordinal);
        return at >= 0 && at + 3 < name.Length && char.IsAsciiDigit(name[at + 3]);
    }
}
