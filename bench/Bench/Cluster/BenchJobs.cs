using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.Hosting;

namespace Platform.Bench.Cluster;

/// <summary>What the benchmarks share: the models they train, an in-process silo, and running a job to its end.</summary>
public static class BenchJobs
{
    /// <summary>The fashion MLP of <c>examples/fashion-mlp.yaml</c> and a small CNN, as YAML model mappings.</summary>
    public static readonly (string Name, string Model)[] Models =
    [
        ("fashion-mlp", "{kind: mlp, depth: 2, width: 256, activation: relu, init: he}"),
        ("cnn", "{kind: cnn, depth: 2, width: 16, activation: relu}"),
    ];

    /// <summary>The global batch of every benchmark job.</summary>
    public const int Batch = 128;

    /// <summary>A benchmark job on Fashion-MNIST: SGD with momentum, batch 128, a checkpoint only at the end, plus <paramref name="extra"/> lines.</summary>
    public static string Spec(string model, int steps, string checkpointDir, params string[] extra) => SpecWithBatch(model, steps, Batch, checkpointDir, extra);

    /// <summary>As <see cref="Spec"/>, with a global batch of <paramref name="batch"/>.</summary>
    public static string SpecWithBatch(string model, int steps, int batch, string checkpointDir, params string[] extra) => string.Join('\n', [
        $"model: {model}",
        "data: {dataset: fashion-mnist}",
        "optimizer: {kind: sgd, lr: 0.05, momentum: 0.9}",
        $"batch_size: {batch}",
        $"steps: {steps}",
        "seed: 1",
        $"checkpoint: {{dir: '{checkpointDir}', interval: {steps}, keep: 1}}",
        .. extra]);

    /// <summary>A silo hosted in this process (not started), serving metrics on <paramref name="metricsPort"/> unless 0.</summary>
    public static IHost EmbeddedSilo(int metricsPort = 0)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformSilo(SiloHosting.Embedded(metricsPort));
        return builder.Build();
    }

    /// <summary>Submits <paramref name="yaml"/> as a new job and waits for it; fails unless it completes.</summary>
    public static async Task<JobSummary> RunToEndAsync(IClusterClient client, string name, string yaml)
    {
        var job = client.GetGrain<ITrainingJobGrain>($"{name}-{Guid.NewGuid():N}");
        var progress = await job.SubmitAsync(new JobSubmission(yaml, Resume: false));
        while (!progress.State.IsTerminal())
        {
            progress = await job.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var summary = await job.GetSummaryAsync();
        return progress.State == JobState.Completed && summary is not null
            ? summary
            : throw new InvalidOperationException($"benchmark job {name} failed: {progress.Error}");
    }
}
