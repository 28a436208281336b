namespace Platform.Tests.Shared;

/// <summary>The small two-rank job the adaptive-batch tests grow: a tanh MLP on blobs, batch 32, 4 epochs, the batch allowed to reach 256 from step 20 on.</summary>
internal static class AdaptiveBlobsJob
{
    public const string Adaptive = "{enabled: true, max: 256, warmup: 20, interval: 10}";

    public static string Spec(string adaptive = Adaptive, string extra = "") => $"""
        model: {"{"}kind: mlp, depth: 2, width: 32, activation: tanh{"}"}
        data: {"{"}dataset: blobs, samples: 4096, test_samples: 512{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 32
        epochs: 4
        workers: 2
        seed: 1
        threads: 1
        adaptive_batch: {adaptive}
        {extra}
        """;
}
