namespace Platform.Grains.Tests.Jobs;

/// <summary>The small job the grain tests run: a tanh MLP on synthetic blobs, 60 steps, checkpointed every 10.</summary>
internal static class BlobsJob
{
    public static string Spec(int workers, int seed, string checkpoints, int keep, string extra) => $"""
        model: {"{"}kind: mlp, depth: 2, width: 32, activation: tanh{"}"}
        data: {"{"}dataset: blobs, samples: 4096, test_samples: 512{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 64
        steps: 60
        workers: {workers}
        seed: {seed}
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: 10, keep: {keep}{"}"}
        {extra}
        """;
}
