using Platform.Training.Data;
using Platform.Training.Data.Files;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Data.Files;

public sealed class SubsetSourceTests
{
    private static readonly TensorDataset Rows = new(arange(10, ScalarType.Float32).reshape(10, 1), arange(10, ScalarType.Int64));

    [Fact]
    public void Indices_are_rows_of_the_subset()
    {
        var subset = new SubsetSource(Rows, [7, 2, 5]);

        Assert.Equal([5L, 7L], subset.Batch([2, 0]).Targets.data<long>().ToArray());
        Assert.Equal([2f, 5f], subset.Range(1, 2).Inputs.data<float>().ToArray());
    }

    [Fact]
    public void First_keeps_the_first_n_and_no_more()
    {
        var first = SubsetSource.First(Rows, 4);

        Assert.Equal(4, first.Count);
        Assert.Equal([0L, 1, 2, 3], first.Range(0, 4).Targets.data<long>().ToArray());
        Assert.Same(Rows, SubsetSource.First(Rows, 10));
        Assert.Same(Rows, SubsetSource.First(Rows, null));
    }
}
