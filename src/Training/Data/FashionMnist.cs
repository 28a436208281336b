using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Platform.Training.Data;

/// <summary>Fashion-MNIST from its gzip IDX files, normalised; loaded once per process and directory.</summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDir = "/usr/share/datasets/fashion-mnist";

    private const float Mean = 0.2860f;
    private const float Std = 0.3530f;
    /// <summary>What <see cref="Load"/> applies to every pixel, as exports record it.</summary>
    public static readonly InputNormalization Normalization = new("standard", [Mean], [Std], "pixel / 255");

    private static readonly ConcurrentDictionary<string, Lazy<(TensorDataset Train, TensorDataset Test)>> Cache = new();

    public static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>Throws <see cref="DatasetUnavailableException"/> naming the package when a file is missing.</summary>
    public static string Locate(string? dir)
    {
        var root = Path.GetFullPath(dir ?? DefaultDir);
        var missing = Files.FirstOrDefault(f => !File.Exists(Path.Combine(root, f)));
        if (missing is not null)
        {
            var hint = dir is null
                ? "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or set data.dir"
                : "check data.dir, or leave it unset to use Debian's dataset-fashion-mnist package";
            throw new DatasetUnavailableException($"data.dir: Fashion-MNIST file {missing} not found in {root}; {hint}");
        }

        return root;
    }

    public static (TensorDataset Train, TensorDataset Test) Load(string? dir)
    {
        var root = Locate(dir);
        return Cache.GetOrAdd(root, r => new Lazy<(TensorDataset, TensorDataset)>(() => (Split(r, "train"), Split(r, "t10k")))).Value;
    }

    private static TensorDataset Split(string root, string prefix)
    {
        var (dims, pixels) = IdxReader.Read(Path.Combine(root, $"{prefix}-images-idx3-ubyte.gz"));
        var (_, labels) = IdxReader.Read(Path.Combine(root, $"{prefix}-labels-idx1-ubyte.gz"));
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            scaled[i] = ((pixels[i] / 255f) - Mean) / Std;
        }

        var images = tensor(scaled, [dims[0], 1, dims[1], dims[2]]);
        var targets = tensor(labels.Select(b => (long)b).ToArray(), [labels.Length]);
        return new TensorDataset(images, targets);
    }
}
