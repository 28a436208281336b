using Platform.Training.Data;

namespace Platform.Training.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void Missing_files_name_the_package_and_the_field()
    {
        var error = Assert.Throws<DatasetUnavailableException>(() => FashionMnist.Locate("/nonexistent/fashion"));

        Assert.Contains("data.dir", error.Message, StringComparison.Ordinal);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message, StringComparison.Ordinal);
        Assert.Contains("dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_the_debian_package_files()
    {
        var (train, test) = FashionMnist.Load(null);

        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal([60_000L, 1, 28, 28], train.Inputs.shape);
        Assert.Equal(10, train.Targets.unique().Item1.shape[0]);

        // Normalised to roughly zero mean and unit variance.
        Assert.InRange(train.Inputs.mean().item<float>(), -0.05f, 0.05f);
        Assert.InRange(train.Inputs.std().item<float>(), 0.9f, 1.1f);
    }

    [Fact]
    public void Take_limits_to_the_first_samples()
    {
        var (train, _) = FashionMnist.Load(null);

        var first = train.Take(100);

        Assert.Equal(100, first.Count);
        Assert.True(first.Targets.eq(train.Targets.narrow(0, 0, 100)).all().item<bool>());
    }
}
