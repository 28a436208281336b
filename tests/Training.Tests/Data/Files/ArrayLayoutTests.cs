using Platform.Spec;
using Platform.Training.Data.Files;

namespace Platform.Training.Tests.Data.Files;

public sealed class ArrayLayoutTests
{
    [Fact]
    public void Rows_are_samples_and_a_vector_is_one_feature_each()
    {
        var images = new ArrayLayout(ElementKind.UInt8, [100, 1, 28, 28], 128);
        Assert.Equal((100L, 784L, 78_400L), (images.Rows, images.RowBytes, images.Bytes));
        Assert.Equal([1L, 28, 28], images.RowShape);

        Assert.Equal([5L, 1L], new ArrayLayout(ElementKind.Float64, [5], 0).AsSamples("x", "data.train").Shape);
    }

    [Fact]
    public void A_scalar_is_not_a_set_of_samples()
    {
        var error = Assert.Throws<SpecException>(() => new ArrayLayout(ElementKind.Float32, [], 0).AsSamples("x.npy", "data.train"));

        Assert.Equal("data.train: x.npy is a single value; inputs need one row per sample", error.Message);
    }
}
