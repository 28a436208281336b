namespace Platform.Spec;

/// <summary>
/// Where samples come from: Fashion-MNIST files, or a synthetic set made from the job seed
/// (<c>blobs</c>: 2-D points in classes; <c>adding</c>: the adding problem for recurrent nets).
/// </summary>
public sealed record DataSpec(string Dataset, string? Dir, int? Limit, int Samples, int TestSamples, int Classes, int SeqLen)
{
    public static readonly string[] Datasets = ["fashion-mnist", "blobs", "adding"];

    /// <summary>Regression datasets report accuracy as the fraction of predictions within a tolerance.</summary>
    public bool IsRegression => Dataset == "adding";

    internal static DataSpec Read(SpecNode n)
    {
        var spec = new DataSpec(
            n.Choice("dataset", "fashion-mnist", Datasets),
            n.OptionalString("dir"),
            n.OptionalInt("limit", min: 1),
            Samples: n.Int("samples", 4096, min: 1),
            TestSamples: n.Int("test_samples", 1024, min: 1),
            Classes: n.Int("classes", 4, min: 2, max: 64),
            SeqLen: n.Int("seq_len", 50, min: 2, max: 100_000));
        n.RejectUnknownKeys();
        return spec;
    }
}
