using Platform.Training.Data;
using Platform.Training.Data.Files;

namespace Platform.Training.Tests.Data;

public sealed class EpochReadTests
{
    [Fact]
    public void Reads_every_whole_batch_of_the_epoch()
    {
        using var source = MappedArraySource.OpenNpy(Files.RealSets.File("digits_x.npy"), Files.RealSets.File("digits_y.npy"));

        var (seconds, samples) = EpochRead.Time(source, batchSize: 128, seed: 1);

        Assert.Equal(1797 / 128 * 128, samples);
        Assert.True(seconds > 0);
    }
}
