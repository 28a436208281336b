using Platform.Spec;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;

namespace Platform.Training.Tests.Data.Files;

public sealed class LabelCheckTests
{
    [Fact]
    public void Integer_labels_are_classes_counted_over_both_splits()
    {
        var targets = LabelCheck.Resolve(Labels([0, 2, 1, 2], integers: true), Labels([4, 0], integers: true), DataTask.Auto);

        Assert.False(targets.Regression);
        Assert.Equal(5, targets.Outputs);
        Assert.Equal([0L, 2, 1, 2], targets.Train.data<long>().ToArray());
    }

    [Fact]
    public void N_by_k_floats_are_regression_with_k_outputs()
    {
        var targets = LabelCheck.Resolve(Labels([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], integers: false, [3, 2]), null, DataTask.Auto);

        Assert.True(targets.Regression);
        Assert.Equal(2, targets.Outputs);
        Assert.Equal([3L, 2L], targets.Train.shape);
    }

    [Fact]
    public void A_column_of_integer_ids_is_still_classes_and_task_regression_overrides()
    {
        Assert.False(LabelCheck.Resolve(Labels([1, 0, 1], integers: true, [3, 1]), null, DataTask.Auto).Regression);

        var regression = LabelCheck.Resolve(Labels([1, 0, 1], integers: true), null, DataTask.Regression);
        Assert.True(regression.Regression);
        Assert.Equal((1, TorchSharp.torch.ScalarType.Float32), (regression.Outputs, regression.Train.dtype));
    }

    [Fact]
    public void Negative_labels_name_the_row_and_what_regression_needs()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("digits_x.npy")}, train_labels: {RealSets.Yaml("broken/negative_y.npy")}"));

        Assert.Equal("data.train_labels: negative_y.npy row 3 holds -1, not a class id (a whole number, 0 <= id < 2^20); regression wants N x k float labels or data.task: regression", error.Message);
    }

    [Fact]
    public void Fractional_labels_name_the_row_and_regression_takes_them()
    {
        var spec = $"train: {RealSets.Yaml("digits_x.npy")}, train_labels: {RealSets.Yaml("broken/fractional_y.npy")}";
        var error = Assert.Throws<SpecException>(() => Load(spec));

        Assert.StartsWith("data.train_labels: fractional_y.npy row 7 holds 2.5, not a class id", error.Message, StringComparison.Ordinal);
        Assert.True(Load($"{spec}, task: regression").Regression);
    }

    [Fact]
    public void A_single_class_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => LabelCheck.Resolve(Labels([0, 0, 0], integers: true), null, DataTask.Classification));

        Assert.Equal("data.train: y holds a single class (0); classification needs at least two", error.Message);
    }

    [Fact]
    public void Several_columns_cannot_be_classes()
    {
        var error = Assert.Throws<SpecException>(() => LabelCheck.Resolve(Labels([0, 1, 1, 0], integers: true, [2, 2]), null, DataTask.Classification));

        Assert.StartsWith("data.train: y has 2 label columns; classification takes one class id per sample", error.Message, StringComparison.Ordinal);
    }

    private static LabelValues Labels(double[] values, bool integers, long[]? shape = null) =>
        new("y", "data.train", values, shape ?? [values.Length], integers);
}
