using Platform.Spec;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Data.Files;

public sealed class NpzReaderTests
{
    [Fact]
    public void Digits_as_float_npz_train_an_mlp_to_the_usual_accuracy()
    {
        var result = Train(Job($"train: {RealSets.Yaml("digits_float.npz")}, normalize: standard"));

        Assert.True(result.Accuracy >= 0.93, $"digits accuracy {result.Accuracy}");
        Assert.Equal(180, result.Samples); // 10% of 1797 held out
    }

    [Fact]
    public void Digits_as_compressed_uint8_images_train_too()
    {
        var data = Load($"train: {RealSets.Yaml("digits_uint8.npz")}");
        Assert.Equal([8L, 8L], data.SampleShape);
        Assert.Equal(10, data.Outputs);

        var result = Train(Job($"train: {RealSets.Yaml("digits_uint8.npz")}, normalize: minmax"));
        Assert.True(result.Accuracy >= 0.93, $"digits accuracy {result.Accuracy}");
    }

    [Fact]
    public void Every_dtype_reads_as_the_same_floats()
    {
        var path = RealSets.File("dtypes/all.npz");
        var reference = Inputs(NpzReader.Read(path, "x_float64", "y", "data.train"));
        foreach (var dtype in new[] { "float16", "float32", "uint8", "int8", "int16", "int32", "int64" })
        {
            Assert.True(Same(reference, Inputs(NpzReader.Read(path, $"x_{dtype}", "y", "data.train"))), dtype);
        }

        Assert.True(Same(reference.gt(8).to(float32), Inputs(NpzReader.Read(path, "x_bool", "y", "data.train"))));
        // sklearn's first digit, a zero: its top row of pixels.
        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f], reference[0, ..8].data<float>().ToArray());
    }

    [Fact]
    public void An_npz_without_the_arrays_names_those_it_has_and_the_key_to_set()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("broken/no_y.npz")}"));

        Assert.Equal("data.y_key: no_y.npz has no array 'y' (it has: x, target); set data.y_key to the name to use", error.Message);
        Assert.Equal(10, Load($"train: {RealSets.Yaml("broken/no_y.npz")}, y_key: target").Outputs);
    }

    [Fact]
    public void X_and_y_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("broken/short_y.npz")}"));

        Assert.Equal("data.train: short_y.npz[y] has 1787 labels for the 1797 samples of short_y.npz[x]; x and y need one row per sample", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_named()
    {
        var error = Assert.Throws<SpecException>(() => NpzReader.Read(RealSets.File("digits_x.npy"), "x", "y", "data.train"));

        Assert.StartsWith("data.train: digits_x.npy is not an .npz (zip) file", error.Message, StringComparison.Ordinal);
    }

    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor Inputs(RawSplit split) => split.WithTargets(zeros(split.Count, ScalarType.Int64)).Range(0, split.Count).Inputs;
}
