using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;
using Platform.Grains.Tests.Jobs;

namespace Platform.Grains.Tests.Telemetry;

/// <summary>Telemetry as a client reads it back from the job grain, end to end through the workers.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobTelemetryTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("telemetry-tests-").FullName;

    private string DeepSigmoid(int steps, int workers = 1, string extra = "") => $"""
        model: {"{"}kind: mlp, depth: 10, width: 64, activation: sigmoid{"}"}
        data: {"{"}dataset: blobs, samples: 4096, test_samples: 256, classes: 4{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.1, momentum: 0.9{"}"}
        batch_size: 64
        steps: {steps}
        workers: {workers}
        seed: 4
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: 1000{"}"}
        {extra}
        """;

    [Fact]
    public async Task Every_step_is_kept_and_the_first_layers_sit_orders_of_magnitude_below_the_last()
    {
        // Observed only: the default policy would re-initialise the layers at the first finding.
        var series = await RunAsync(DeepSigmoid(60, extra: "health: {mode: observe}"));

        Assert.Equal(Enumerable.Range(1, 60), series.Steps);
        Assert.Equal(22, series.Layers.Length);
        Assert.Equal(10, series.Activations.Length);
        var (first, last) = (Median(series, "layers.0.weight"), Median(series, "layers.10.weight"));
        Assert.True(first < last * 1e-4, $"first layer {first:E2}, last layer {last:E2}");
    }

    [Fact]
    public async Task After_the_reinit_remedy_the_first_layer_learns_at_the_rate_of_the_last()
    {
        var series = await RunAsync(DeepSigmoid(60));

        // The remedy is taken within the first steps; the median over the run is of the re-initialised net.
        var (first, last) = (Median(series, "layers.0.weight"), Median(series, "layers.10.weight"));
        Assert.True(first > last * 1e-2, $"first layer {first:E2}, last layer {last:E2}");
    }

    [Fact]
    public async Task Injected_nan_reaches_the_history_counted()
    {
        var series = await RunAsync(DeepSigmoid(6, extra: "health: {enabled: false}\nfaults: [{step: 5, kind: nan, layer: layers.0.weight, count: 3}]"));

        var row = Array.IndexOf(series.Steps, 6);
        var layer = Array.IndexOf(series.Layers, "layers.0.weight");
        Assert.Equal(3, series.NonFinite[(row * series.Layers.Length) + layer]);
        Assert.Equal(3, series.NonFinite.Sum());
        Assert.True(float.IsNaN(series.At(series.GradNorm, row, layer)));
    }

    [Fact]
    public async Task Two_ranks_report_the_averaged_gradient_once()
    {
        var one = await RunAsync(DeepSigmoid(8));
        var two = await RunAsync(DeepSigmoid(8, workers: 2));

        Assert.Equal(one.Steps, two.Steps);
        for (var i = 0; i < one.GradNorm.Length; i++)
        {
            Assert.True(Math.Abs(one.GradNorm[i] - two.GradNorm[i]) <= 1e-4 * Math.Abs(one.GradNorm[i]), $"value {i}: {one.GradNorm[i]} vs {two.GradNorm[i]}");
        }
    }

    [Fact]
    public async Task Telemetry_off_publishes_no_layer_while_health_still_reads_every_layer()
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"telemetry-off-{Guid.NewGuid():N}");
        var series = await RunAsync(DeepSigmoid(60, extra: "telemetry: {enabled: false}"), job);
        var audit = await job.GetAuditAsync();

        Assert.Equal(Enumerable.Range(1, 60), series.Steps);
        Assert.Empty(series.Layers);
        Assert.Empty(series.Activations);
        Assert.Empty(series.GradNorm);
        Assert.All(series.Loss, l => Assert.True(float.IsFinite(l)));
        Assert.Contains(audit, r => r.Kind == "vanishing" && r.Layers.Contains("layers.0.weight"));
    }

    private async Task<TelemetrySeries> RunAsync(string spec, ITrainingJobGrain? job = null)
    {
        job ??= fixture.Client.GetGrain<ITrainingJobGrain>($"telemetry-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(spec, Resume: false));
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, done.Error);
        return await job.GetTelemetryAsync(maxPoints: 0);
    }

    private static double Median(TelemetrySeries series, string layer)
    {
        var index = Array.IndexOf(series.Layers, layer);
        var values = Enumerable.Range(0, series.Rows).Select(r => (double)series.At(series.GradNorm, r, index)).Order().ToList();
        return values[values.Count / 2];
    }
}
