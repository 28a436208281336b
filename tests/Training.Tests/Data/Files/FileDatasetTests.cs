using Platform.Training.Data;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class FileDatasetTests
{
    [Fact]
    public void Multi_output_regression_trains_on_real_measurements()
    {
        // Iris petal length and width (cm) from the sepal's: a real two-output regression.
        var spec = Job($"train: {RealSets.Yaml("iris_petals.npz")}, normalize: standard, validation_fraction: 0.2", epochs: 60, batchSize: 16, lr: 0.01);
        var data = DatasetFactory.Create(spec.Data, spec.Seed);
        Assert.Equal((true, 2), (data.Regression, data.Outputs));
        var y = data.Test.Range(0, data.Test.Count).Targets;
        var predictingTheMean = (y - y.mean([0])).square().mean().item<float>();

        var result = Train(spec);

        Assert.True(result.Loss < predictingTheMean / 2, $"test MSE {result.Loss}, predicting the mean {predictingTheMean}");
        Assert.InRange(result.Accuracy, 0, 1);
    }

    [Fact]
    public void Limit_keeps_the_first_training_samples()
    {
        var whole = Load($"train: {RealSets.Yaml("digits_float.npz")}, test: {RealSets.Yaml("digits_float.npz")}");
        var limited = DatasetFactory.Create(Job($"train: {RealSets.Yaml("digits_float.npz")}, test: {RealSets.Yaml("digits_float.npz")}").Data with { Limit = 100 }, 7);

        Assert.Equal((100, 1797), (limited.Train.Count, limited.Test.Count));
        Assert.True(NpzReaderTests.Same(whole.Train.Range(0, 100).Inputs, limited.Train.Range(0, 100).Inputs));
    }

    [Fact]
    public void Without_normalize_the_sources_are_raw_and_the_normalisation_says_none()
    {
        var raw = Load($"train: {RealSets.Yaml("digits_float.npz")}");
        Assert.IsNotType<NormalizingSource>(raw.Train);
        Assert.True(raw.Normalization!.SameAs(new InputNormalization("none", [0f], [1f], "as stored")));

        var scaled = Load($"train: {RealSets.Yaml("digits_float.npz")}, normalize: standard");
        Assert.IsType<NormalizingSource>(scaled.Train);
        Assert.IsType<NormalizingSource>(scaled.Test);
        Assert.Equal(64, scaled.Normalization!.Mean.Length);
    }

    [Fact]
    public void Test_samples_of_another_shape_are_refused()
    {
        var error = Assert.Throws<Platform.Spec.SpecException>(() => Load($"train: {RealSets.Yaml("digits_float.npz")}, test: {RealSets.Yaml("digits_uint8.npz")}"));

        Assert.Equal("data.test: digits_uint8.npz[x] has samples of shape [8, 8], the training file [64]", error.Message);
    }
}
