using Platform.Spec;
using Platform.Training.Data;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class ImageFolderTests
{
    [Fact]
    public void Digits_as_png_and_jpeg_files_train_an_mlp_to_the_usual_accuracy()
    {
        var result = Train(Job($"train: {RealSets.Yaml("digit-images")}, normalize: standard"));

        Assert.True(result.Accuracy >= 0.93, $"digit images accuracy {result.Accuracy}");
    }

    [Fact]
    public void Pixels_are_the_ones_pillow_wrote_over_255_and_classes_follow_folder_names()
    {
        // With a test folder nothing is held out, so the training source is the folder in order.
        var data = Load($"train: {RealSets.Yaml("digit-images")}, test: {RealSets.Yaml("digit-images")}");

        Assert.True(data.Normalization!.SameAs(new InputNormalization("none", [0f], [1f], "pixel / 255")));
        Assert.Equal([1L, 8L, 8L], data.SampleShape);
        Assert.Equal(10, data.Outputs);
        // The first image is digit-0/0000.png, sklearn's first zero: its top row of 0..16 values as 0..255 pixels.
        var (x, y) = data.Train.Range(0, 1);
        Assert.Equal(0L, y[0].item<long>());
        Assert.Equal(new[] { 0, 0, 80, 207, 143, 16, 0, 0 }.Select(p => p / 255f), x[0, 0, 0].data<float>().ToArray());
    }

    [Fact]
    public void Image_size_resizes_and_channels_converts()
    {
        Assert.Equal([1L, 16L, 12L], Load($"train: {RealSets.Yaml("digit-images")}, image_size: [16, 12]").SampleShape);

        var colour = Load($"train: {RealSets.Yaml("digit-images")}, channels: 3");
        Assert.Equal([3L, 8L, 8L], colour.SampleShape);
        var (x, _) = colour.Train.Range(0, 4);
        Assert.True(NpzReaderTests.Same(x[.., 0], x[.., 2]), "a grey image in three channels has equal planes");
    }

    [Fact]
    public void Images_with_different_channel_counts_are_refused_unless_channels_is_set()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("broken/mixed-channels")}"));

        Assert.Matches(@"^data\.train: mixed-channels/digit-\d/\d{4}\.png has 1 channel\(s\) but mixed-channels/digit-\d/\d{4}\.png has 3; set data\.channels to 1 or 3 to convert them all$", error.Message);
        Assert.Equal([1L, 8L, 8L], Load($"train: {RealSets.Yaml("broken/mixed-channels")}, channels: 1").SampleShape);
    }

    [Fact]
    public void An_empty_image_folder_is_refused()
    {
        var root = Directory.CreateTempSubdirectory("empty-images-");
        try
        {
            root.CreateSubdirectory("cats");

            var error = Assert.Throws<SpecException>(() => Load($"train: '{root.FullName}'"));

            Assert.Equal($"data.train: {root.Name} has no PNG or JPEG images in class folders (expected {root.Name}/<class>/<image>.png or .jpg)", error.Message);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var missing = Path.Combine(RealSets.Dir, "no-such-images");

        var error = Assert.Throws<DatasetUnavailableException>(() => Load($"train: '{missing}', format: images"));

        Assert.Equal($"data.train: folder not found: {missing}", error.Message);
    }
}
