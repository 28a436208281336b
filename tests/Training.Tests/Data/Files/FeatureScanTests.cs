using Platform.Spec;
using Platform.Training.Data;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Data.Files;

public sealed class FeatureScanTests
{
    [Fact]
    public void Nan_in_the_features_names_the_row()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("broken/nan_x.npy")}, train_labels: {RealSets.Yaml("digits_y.npy")}"));

        Assert.Equal("data.train: nan_x.npy row 11 holds NaN or infinity (rows count from 0); clean or drop that row", error.Message);
    }

    [Fact]
    public void Statistics_come_from_the_training_split_only()
    {
        var data = Load($"train: {RealSets.Yaml("wine.csv")}, label: class, normalize: standard", seed: 3);
        var table = CsvTable.Read(RealSets.File("wine.csv"), "class", "data.train");
        var (kept, _) = ValidationSplit.Split(178, 0.1, seed: 3);
        var alcohol = table.Values.Where((_, i) => i % table.Features.Count == 0).ToArray();

        var trainMean = kept.Average(r => alcohol[r]);
        Assert.Equal(trainMean, data.Normalization!.Mean[0], 4);
        Assert.True(Math.Abs(alcohol.Average() - trainMean) > 1e-3, "the whole file's mean differs, so this test can tell them apart");
        Assert.Equal(13, data.Normalization.Mean.Length);
    }

    [Fact]
    public void Standardised_training_inputs_have_zero_mean_and_unit_spread_per_feature()
    {
        var data = Load($"train: {RealSets.Yaml("breast_cancer.csv")}, label: diagnosis, normalize: standard");
        var x = data.Train.Range(0, data.Train.Count).Inputs.to(float64);

        Assert.True(x.mean([0]).abs().max().item<double>() < 1e-4);
        Assert.True((x.std(0, unbiased: false) - 1).abs().max().item<double>() < 1e-3);
    }

    [Fact]
    public void Minmax_takes_min_and_range_and_a_constant_feature_passes_through()
    {
        var data = Load($"train: {RealSets.Yaml("digits_float.npz")}, normalize: minmax");
        var norm = data.Normalization!;

        // Every digit's first pixel is blank: min 0, range 0, kept as 1 so the value passes unscaled.
        Assert.Equal(("minmax", 0f, 1f), (norm.Method, norm.Mean[0], norm.Std[0]));
        Assert.Equal(16f, norm.Mean[2] + norm.Std[2]);
        var x = data.Train.Range(0, data.Train.Count).Inputs;
        Assert.Equal((0f, 1f), (x.min().item<float>(), x.max().item<float>()));
    }

    [Fact]
    public void Images_get_one_value_for_all_pixels()
    {
        var norm = FeatureScan.Statistics(new TensorDataset(tensor(new[] { 0f, 2f, 4f, 6f }, [2, 1, 2]), zeros(2)), [1, 2], NormalizeMethod.Standard, "pixel / 255");

        Assert.Equal([3f], norm.Mean);
        Assert.Equal([(float)Math.Sqrt(5)], norm.Std);
    }
}
