using Platform.Spec;
using Platform.Training.Data;
using Platform.Training.Engine;
using Platform.Training.Models;
using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Telemetry;

/// <summary>The gradient noise scale from two batch sizes, against a brute-force estimate from many small-batch gradients.</summary>
public sealed class NoiseScaleEstimatorTests
{
    private const int Batch = 64;
    private const int Batches = 128;

    [Fact]
    public void On_the_fashion_mlp_the_two_batch_estimate_is_within_20_percent_of_the_brute_force_one()
    {
        var spec = JobSpecDocument.Parse("model: {kind: mlp, depth: 2, width: 256, activation: relu, init: he}\ndata: {dataset: fashion-mnist, limit: 8192}").Validate();
        var data = DatasetFactory.Create(spec.Data, seed: 1);
        using var model = ModelFactory.Create(spec.Model, data.SampleShape, data.Outputs, seed: 1);
        var gradients = Enumerable.Range(0, Batches).Select(k => Gradient(model, data.Train, k)).ToList();

        // Brute force: the spread of 128 batch gradients of 64 around their mean (the gradient on all 8,192 samples).
        var mean = Mean(gradients);
        var trace = Batch * gradients.Sum(g => SquaredDistance(g, mean)) / (Batches - 1);
        var squared = Squared(mean) - (trace / (Batch * Batches));
        var bruteForce = trace / squared;

        // Two "ranks" of 64 per step, as training sees them: their squared norms averaged, and the norm of their average.
        var estimator = new NoiseScaleEstimator();
        var (sumG, sumS) = (0.0, 0.0);
        for (var k = 0; k + 1 < Batches; k += 2)
        {
            var small = (Squared(gradients[k]) + Squared(gradients[k + 1])) / 2;
            var big = Squared(Mean([gradients[k], gradients[k + 1]]));
            var (g, s) = NoiseScaleEstimator.Unbiased(small, big, Batch, 2 * Batch);
            (sumG, sumS) = (sumG + g, sumS + s);
            estimator.Add(k / 2, small, big, Batch, 2 * Batch);
        }

        var twoBatch = sumS / sumG;
        Assert.True(Math.Abs(twoBatch - bruteForce) / bruteForce < 0.2, $"two-batch estimate {twoBatch:0}, brute force {bruteForce:0}");
        Assert.True(estimator.Value is { } v && Math.Abs(v - bruteForce) / bruteForce < 0.2, $"smoothed estimate {estimator.Value:0}, brute force {bruteForce:0}");
    }

    [Fact]
    public void A_step_without_figures_is_left_out_and_the_last_value_survives_a_dip()
    {
        var estimator = new NoiseScaleEstimator();
        estimator.Add(0, double.NaN, 1, 64, 128);
        Assert.Null(estimator.Value);

        // |G|^2 = 1 and tr(Sigma) = 64: small = 1 + 64/64 = 2, big = 1 + 64/128 = 1.5.
        for (var s = 0; s < 20; s++)
        {
            estimator.Add(s, 2, 1.5, 64, 128);
        }

        Assert.Equal(64, estimator.Value!.Value, 6);
        Assert.Equal([10, 20], estimator.History.Select(h => h.Step));

        // Figures where |G|^2 comes out negative: no value then, the last one stays.
        for (var s = 20; s < 400; s++)
        {
            estimator.Add(s, 2, 0.9, 64, 128);
        }

        Assert.Null(estimator.Value);
        Assert.NotNull(estimator.Last);
    }

    private static float[] Gradient(nn.Module<Tensor, Tensor> model, ISampleSource train, int k)
    {
        using var scope = NewDisposeScope();
        var (x, y) = train.Range(k * Batch, Batch);
        model.zero_grad();
        LossFunctions.Compute(model.call(x), y, regression: false).backward();
        return [.. model.parameters().SelectMany(p => p.grad!.flatten().data<float>().ToArray())];
    }

    private static float[] Mean(IReadOnlyList<float[]> vectors)
    {
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += v[i] / vectors.Count;
            }
        }

        return mean;
    }

    private static double Squared(float[] v) => v.Sum(x => (double)x * x);

    private static double SquaredDistance(float[] a, float[] b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum();
}
