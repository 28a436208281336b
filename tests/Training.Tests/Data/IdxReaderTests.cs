using System.IO.Compression;
using Platform.Training.Data;

namespace Platform.Training.Tests.Data;

public sealed class IdxReaderTests
{
    [Fact]
    public void Reads_a_gzip_idx_file()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "x-idx3-ubyte.gz");
        using (var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        {
            gz.Write([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
        }

        var (dims, data) = IdxReader.Read(file);

        Assert.Equal([2, 1, 3], dims);
        Assert.Equal([1, 2, 3, 4, 5, 6], data);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_idx()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "bad");
        File.WriteAllBytes(file, [1, 2, 3, 4, 5]);

        Assert.Throws<InvalidDataException>(() => IdxReader.Read(file));
    }
}
