using Platform.Training.Data.Files;

namespace Platform.Training.Tests.Data.Files;

public sealed class RawSplitTests
{
    [Fact]
    public void Labels_keep_their_shape_values_and_whether_they_are_whole_numbers()
    {
        var layout = NpyReader.Layout(RealSets.File("digits_y.npy"), "data.train_labels");
        var bytes = File.ReadAllBytes(RealSets.File("digits_y.npy"))[(int)layout.Offset..];

        var labels = LabelValues.From(layout, bytes, "digits_y.npy", "data.train_labels");

        Assert.Equal((1797L, true), (labels.Rows, labels.Integers));
        Assert.Equal([0.0, 1, 2, 3], labels.Values[..4]);
    }
}
