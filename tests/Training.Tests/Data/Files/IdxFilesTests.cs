using Platform.Spec;
using Platform.Training.Data;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class IdxFilesTests
{
    [Theory]
    [InlineData("idx-gz", ".gz")]
    [InlineData("idx-plain", "")]
    public void Digits_as_idx_train_an_mlp_to_the_usual_accuracy(string folder, string suffix)
    {
        // The labels files are found by the MNIST naming, next to the images.
        var spec = Job($"train: {RealSets.Yaml($"{folder}/train-images-idx3-ubyte{suffix}")}, test: {RealSets.Yaml($"{folder}/t10k-images-idx3-ubyte{suffix}")}, normalize: standard");
        var result = Train(spec);

        Assert.True(result.Accuracy >= 0.93, $"digits idx accuracy {result.Accuracy}");
        Assert.Equal(297, result.Samples);
    }

    [Fact]
    public void Images_take_a_channel_axis_and_pixels_are_scaled()
    {
        var data = Load($"train: {RealSets.Yaml("idx-gz/train-images-idx3-ubyte.gz")}");

        Assert.Equal([1L, 8L, 8L], data.SampleShape);
        Assert.Equal("pixel / 255", data.Normalization!.Raw);
        Assert.True(data.Train.Range(0, 100).Inputs.max().item<float>() <= 1f);
    }

    [Fact]
    public void A_missing_labels_file_names_its_field()
    {
        var images = RealSets.File("idx-gz/train-images-idx3-ubyte.gz");
        var error = Assert.Throws<DatasetUnavailableException>(() => Load($"train: '{images}', train_labels: '{images}.labels'"));

        Assert.Equal($"data.train_labels: file not found: {images}.labels", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_idx_is_named()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("wine.csv")}, format: idx, train_labels: {RealSets.Yaml("wine.csv")}"));

        Assert.Equal("data.train: wine.csv: not an IDX file of unsigned bytes", error.Message);
    }
}
