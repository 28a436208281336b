using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Platform.Bench.Data;

/// <summary>
/// Writes .npy files byte by byte (version 1.0 header, little-endian, C order), so the benchmark measures
/// the platform's reader on a file it did not write with it.
/// </summary>
public static class NpyFile
{
    // numpy pads the header so the data starts on a 64-byte boundary.
    private const int Alignment = 64;

    /// <summary>float32 samples of <paramref name="sampleShape"/>, each element from <paramref name="value"/>(flat index).</summary>
    public static void WriteFloats(string path, int rows, long[] sampleShape, Func<long, float> value)
    {
        var perRow = sampleShape.Aggregate(1L, (a, d) => a * d);
        using var file = Create(path, "<f4", [rows, .. sampleShape]);
        var row = new byte[perRow * sizeof(float)];
        for (long r = 0; r < rows; r++)
        {
            for (var i = 0; i < perRow; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(i * sizeof(float)), value((r * perRow) + i));
            }

            file.Write(row);
        }
    }

    /// <summary>int64 values, one per row.</summary>
    public static void WriteLongs(string path, int rows, Func<long, long> value)
    {
        using var file = Create(path, "<i8", [rows]);
        var cell = new byte[sizeof(long)];
        for (long r = 0; r < rows; r++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(cell, value(r));
            file.Write(cell);
        }
    }

    private static BufferedStream Create(string path, string descr, long[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + length (2) + header + padding + newline, a multiple of the alignment.
        var padded = header.PadRight(((10 + header.Length + 1 + Alignment - 1) / Alignment * Alignment) - 10 - 1) + "\n";
        var stream = new BufferedStream(File.Create(path), 1 << 20);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)padded.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(padded));
        return stream;
    }
}
