namespace Platform.Spec;

/// <summary>
/// Where samples come from: Fashion-MNIST files (<c>dir</c>: Debian's dataset-fashion-mnist when unset),
/// a synthetic set made from the job seed (<c>blobs</c>: 2-D points in <c>classes</c> (4) classes;
/// <c>adding</c>: the adding problem over <c>seq_len</c> (50) steps; both with <c>samples</c> (4096) and
/// <c>test_samples</c> (1024)), or the user's own files (<c>files</c>, see <see cref="FilesSpec"/>).
/// <c>limit</c> (unset: all) keeps the first N training samples. A key that the chosen dataset does not
/// take is refused, so a setting never silently does nothing.
/// </summary>
public sealed record DataSpec(string Dataset, string? Dir, int? Limit, int Samples, int TestSamples, int Classes, int SeqLen, FilesSpec? Files = null)
{
    public const string FilesDataset = "files";

    public static readonly string[] Datasets = ["fashion-mnist", "blobs", "adding", FilesDataset];

    // The built-in datasets' own keys, and which datasets take each.
    private static readonly (string Key, string[] Datasets)[] DatasetKeys =
    [
        ("dir", ["fashion-mnist"]),
        ("samples", ["blobs", "adding"]),
        ("test_samples", ["blobs", "adding"]),
        ("classes", ["blobs"]),
        ("seq_len", ["adding"]),
    ];

    /// <summary>Regression datasets report accuracy as the fraction of predictions within a tolerance.</summary>
    public bool IsRegression => Dataset == "adding" || Files?.Task == DataTask.Regression;

    internal static DataSpec Read(SpecNode n)
    {
        var dataset = n.Choice("dataset", "fashion-mnist", Datasets);
        foreach (var (key, datasets) in DatasetKeys)
        {
            n.RefuseUnless(key, datasets.Contains(dataset), $"only for dataset{(datasets.Length > 1 ? "s" : "")} {string.Join(" and ", datasets)}");
        }

        foreach (var key in FilesSpec.Keys)
        {
            n.RefuseUnless(key, dataset == FilesDataset, $"only for dataset {FilesDataset}");
        }

        var spec = new DataSpec(
            dataset,
            n.OptionalString("dir"),
            n.OptionalInt("limit", min: 1),
            Samples: n.Int("samples", 4096, min: 1),
            TestSamples: n.Int("test_samples", 1024, min: 1),
            Classes: n.Int("classes", 4, min: 2, max: 64),
            SeqLen: n.Int("seq_len", 50, min: 2, max: 100_000),
            Files: dataset == FilesDataset ? FilesSpec.Read(n) : null);
        n.RejectUnknownKeys();
        return spec;
    }
}
