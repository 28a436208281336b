using Platform.Training.Data;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class InputFileTests
{
    [Fact]
    public void A_missing_training_file_names_the_field_and_the_full_path()
    {
        var missing = Path.Combine(RealSets.Dir, "no-such.npz");

        var error = Assert.Throws<DatasetUnavailableException>(() => Load($"train: '{missing}'"));

        Assert.Equal($"data.train: file not found: {missing}", error.Message);
    }

    [Fact]
    public void A_missing_test_file_names_its_field()
    {
        var missing = Path.Combine(RealSets.Dir, "no-such-test.csv");

        var error = Assert.Throws<DatasetUnavailableException>(() => Load($"train: {RealSets.Yaml("wine.csv")}, test: '{missing}', label: class"));

        Assert.Equal($"data.test: file not found: {missing}", error.Message);
    }
}
