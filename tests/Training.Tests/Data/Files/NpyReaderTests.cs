using Platform.Spec;
using Platform.Training.Data;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class NpyReaderTests
{
    [Fact]
    public void Reads_the_header_numpy_wrote()
    {
        var layout = NpyReader.Layout(RealSets.File("digits_x.npy"), "data.train");

        Assert.Equal((ElementKind.Float32, 128L), (layout.Kind, layout.Offset));
        Assert.Equal([1797L, 64L], layout.Shape);
        Assert.Equal(new FileInfo(RealSets.File("digits_x.npy")).Length, layout.Offset + layout.Bytes);
    }

    [Fact]
    public void Digits_as_npy_train_an_mlp_to_the_usual_accuracy()
    {
        var result = Train(Job($"train: {RealSets.Yaml("digits_x.npy")}, train_labels: {RealSets.Yaml("digits_y.npy")}, normalize: standard"));

        Assert.True(result.Accuracy >= 0.93, $"digits accuracy {result.Accuracy}");
    }

    [Fact]
    public void Fortran_order_is_refused_with_the_fix()
    {
        var error = Assert.Throws<SpecException>(() => NpyReader.Layout(RealSets.File("broken/fortran_x.npy"), "data.train"));

        Assert.Equal("data.train: fortran_x.npy is stored in Fortran order; save it in C order, e.g. numpy.save(path, numpy.ascontiguousarray(x))", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_npy_is_named()
    {
        var error = Assert.Throws<SpecException>(() => NpyReader.Layout(RealSets.File("wine.csv"), "data.train_labels"));

        Assert.StartsWith("data.train_labels: wine.csv is not a NumPy .npy array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_labels_file_names_its_field()
    {
        var missing = Path.Combine(RealSets.Dir, "no-such-labels.npy");
        var error = Assert.Throws<DatasetUnavailableException>(() => Load($"train: {RealSets.Yaml("digits_x.npy")}, train_labels: '{missing}'"));

        Assert.Equal($"data.train_labels: file not found: {missing}", error.Message);
    }
}
