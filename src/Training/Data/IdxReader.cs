using System.Buffers.Binary;
using System.IO.Compression;

namespace Platform.Training.Data;

/// <summary>Reads the IDX format (big-endian header, unsigned bytes), optionally gzip-compressed.</summary>
public static class IdxReader
{
    public static (int[] Dims, byte[] Data) Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        var header = new byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
        {
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes");
        }

        var dims = new int[header[3]];
        var word = new byte[4];
        for (var i = 0; i < dims.Length; i++)
        {
            stream.ReadExactly(word);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
        }

        var data = new byte[dims.Aggregate(1L, (a, d) => a * d)];
        stream.ReadExactly(data);
        return (dims, data);
    }
}
