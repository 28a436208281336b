using Platform.Spec;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class CsvTableTests
{
    [Theory]
    [InlineData("wine.csv", "class")]
    [InlineData("breast_cancer.csv", "diagnosis")]
    public void Standardised_tables_train_to_the_usual_accuracy(string file, string label)
    {
        var result = Train(Job($"train: {RealSets.Yaml(file)}, label: {label}, normalize: standard", epochs: 20, batchSize: 16));

        Assert.True(result.Accuracy >= 0.9, $"{file} accuracy {result.Accuracy}");
    }

    [Fact]
    public void Class_names_become_ids_in_sorted_order_and_train()
    {
        var (train, _) = CsvTable.Splits(CsvTable.Read(RealSets.File("iris.csv"), "species", "data.train"), null);
        // iris.csv lists 50 setosa, then 50 versicolor, then 50 virginica.
        Assert.Equal([0.0, 1.0, 2.0], new[] { 0, 50, 100 }.Select(i => train.Labels.Values[i]));
        Assert.True(train.Labels.Integers);

        var result = Train(Job($"train: {RealSets.Yaml("iris.csv")}, label: species, normalize: standard", epochs: 30, batchSize: 16));
        Assert.True(result.Accuracy >= 0.9, $"iris accuracy {result.Accuracy}");
    }

    [Fact]
    public void A_missing_label_column_names_the_columns_there_are()
    {
        var error = Assert.Throws<SpecException>(() => CsvTable.Read(RealSets.File("iris.csv"), "target", "data.train"));

        Assert.Equal("data.label: iris.csv has no column 'target' (it has: sepal length (cm), sepal width (cm), petal length (cm), petal width (cm), species); set data.label to the target column", error.Message);
    }

    [Fact]
    public void A_cell_that_is_not_a_number_names_its_row_and_column()
    {
        var error = Assert.Throws<SpecException>(() => CsvTable.Read(RealSets.File("broken/wine_text_cell.csv"), "class", "data.train"));

        Assert.Equal("data.train: wine_text_cell.csv row 5 (line 6), column 'alcohol': 'n/a' is not a number; every column but data.label must be numeric", error.Message);
    }

    [Fact]
    public void A_nan_cell_names_its_row_and_column()
    {
        var error = Assert.Throws<SpecException>(() => CsvTable.Read(RealSets.File("broken/wine_nan.csv"), "class", "data.test"));

        Assert.Equal("data.test: wine_nan.csv row 10 (line 11), column 'ash': 'nan' is NaN or infinite; clean or drop that row", error.Message);
    }

    [Fact]
    public void A_test_table_with_other_columns_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("wine.csv")}, test: {RealSets.Yaml("breast_cancer.csv")}, label: class"));

        Assert.StartsWith("data.label: breast_cancer.csv has no column 'class'", error.Message, StringComparison.Ordinal);
    }
}
