using Platform.Training.Data;
using Platform.Training.Data.Files;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Data.Files;

public sealed class MappedArraySourceTests
{
    [Fact]
    public void Mapped_batches_equal_the_in_memory_ones()
    {
        var path = RealSets.File("digits_x.npy");
        var labels = tensor(Enumerable.Range(0, 1797).Select(i => (long)(i % 10)).ToArray());
        using var mapped = new MappedArraySource(path, NpyReader.Layout(path, "data.train"), labels);
        using var file = File.OpenRead(path);
        var (layout, bytes) = NpyReader.ReadWhole(file, "digits_x.npy", "data.train");
        var memory = new TensorDataset(layout.ToTensor(bytes), labels);
        var sampler = new ShardSampler(mapped.Count, 128, 0, 1, seed: 5);

        for (var b = 0; b < sampler.BatchesPerEpoch; b++)
        {
            var indices = sampler.Indices(epoch: 1, b);
            var (x, y) = mapped.Batch(indices);
            var (ex, ey) = memory.Batch(indices);
            Assert.True(NpzReaderTests.Same(ex, x) && NpzReaderTests.Same(ey, y), $"batch {b}");
        }

        Assert.True(NpzReaderTests.Same(memory.Range(1700, 97).Inputs, mapped.Range(1700, 97).Inputs));
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("float32")]
    [InlineData("uint8")]
    [InlineData("int8")]
    [InlineData("int16")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("bool")]
    public void Every_dtype_is_converted_row_by_row(string dtype)
    {
        var reference = Rows("float64");
        var expected = dtype == "bool" ? reference.gt(8).to(float32) : reference;

        Assert.True(NpzReaderTests.Same(expected, Rows(dtype)));
    }

    [Theory]
    [InlineData(1L << 28)]
    [InlineData(1000L)]
    public void Load_copies_every_row_into_memory(long pieceBytes)
    {
        using var mapped = MappedArraySource.OpenNpy(RealSets.File("digits_x.npy"), RealSets.File("digits_y.npy"));

        // Small pieces stand in for a set past the 2 GB a single tensor span can hold.
        var memory = mapped.Load(pieceBytes);

        Assert.True(NpzReaderTests.Same(mapped.Range(0, mapped.Count).Inputs, memory.Inputs));
        Assert.Equal([0L, 1, 2], memory.Targets[..3].data<long>().ToArray());
    }

    [Fact]
    public void Rows_past_the_end_are_refused()
    {
        var path = RealSets.File("dtypes/x_int16.npy");
        using var source = new MappedArraySource(path, NpyReader.Layout(path, "data.train"), zeros(40, ScalarType.Int64));

        Assert.Throws<ArgumentOutOfRangeException>(() => source.Batch([3, 40]));
    }

    private static Tensor Rows(string dtype)
    {
        var path = RealSets.File($"dtypes/x_{dtype}.npy");
        using var source = new MappedArraySource(path, NpyReader.Layout(path, "data.train"), zeros(40, ScalarType.Int64));
        return source.Batch([.. Enumerable.Range(0, 40).Select(i => (long)i)]).Inputs;
    }
}
