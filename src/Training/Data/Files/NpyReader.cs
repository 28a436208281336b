using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Spec;

namespace Platform.Training.Data.Files;

/// <summary>
/// NumPy's .npy format: a magic string, a version, a Python-literal header (dtype, order, shape), then the
/// elements. Only the header is parsed here; the data after it is mapped or read by the caller.
/// </summary>
public static partial class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly Dictionary<string, ElementKind> Types = new(StringComparer.Ordinal)
    {
        ["f2"] = ElementKind.Float16, ["f4"] = ElementKind.Float32, ["f8"] = ElementKind.Float64,
        ["u1"] = ElementKind.UInt8, ["i1"] = ElementKind.Int8, ["i2"] = ElementKind.Int16,
        ["i4"] = ElementKind.Int32, ["i8"] = ElementKind.Int64, ["b1"] = ElementKind.Bool,
    };

    /// <summary>Inputs from one .npy, memory-mapped, and their labels from another, read whole.</summary>
    internal static RawSplit Read(string path, string labelsPath, string field, string labelsField)
    {
        var name = InputFile.Name(path);
        var x = Layout(path, field).AsSamples(name, field);
        var y = Layout(labelsPath, labelsField);
        var bytes = new byte[y.Bytes];
        using (var file = InputFile.Open(labelsPath, labelsField))
        {
            file.Position = y.Offset;
            file.ReadExactly(bytes);
        }

        var labels = LabelValues.From(y, bytes, InputFile.Name(labelsPath), labelsField);
        return new RawSplit(name, field, (int)x.Rows, x.RowShape, labels, RawSplit.AsStored, !Elements.IsInteger(x.Kind), targets => new MappedArraySource(path, x, targets));
    }

    /// <summary>The array in an .npy file, its offset counted from the start of the file.</summary>
    public static ArrayLayout Layout(string path, string field)
    {
        using var file = InputFile.Open(path, field);
        var layout = ReadHeader(file, InputFile.Name(path), field);
        return file.Length < layout.Offset + layout.Bytes
            ? throw new SpecException(field, $"{InputFile.Name(path)} is truncated: shape {layout.ShapeText} needs {layout.Offset + layout.Bytes} bytes, the file has {file.Length}")
            : layout;
    }

    /// <summary>A whole .npy read into memory, as from an entry of an .npz.</summary>
    public static (ArrayLayout Layout, byte[] Data) ReadWhole(Stream stream, string name, string field)
    {
        var layout = ReadHeader(stream, name, field);
        var data = new byte[layout.Bytes];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new SpecException(field, $"{name} is truncated: shape {layout.ShapeText} needs {layout.Bytes} bytes of data");
        }

        return (layout with { Offset = 0 }, data);
    }

    /// <summary>Parses the header at the stream's position; the layout's offset is where the data starts, from that position.</summary>
    public static ArrayLayout ReadHeader(Stream stream, string name, string field)
    {
        var prefix = new byte[8];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new SpecException(field, $"{name} is not a NumPy .npy array (no \\x93NUMPY header); save it with numpy.save");
        }

        // Version 1 has a 2-byte header length, versions 2 and 3 a 4-byte one.
        var size = new byte[prefix[6] == 1 ? 2 : 4];
        stream.ReadExactly(size);
        var length = size.Length == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(size) : (int)BinaryPrimitives.ReadUInt32LittleEndian(size);
        var header = new byte[length];
        stream.ReadExactly(header);
        return Parse(Encoding.UTF8.GetString(header), name, field) with { Offset = prefix.Length + size.Length + length };
    }

    private static ArrayLayout Parse(string header, string name, string field)
    {
        var descr = Descr().Match(header);
        if (!descr.Success)
        {
            throw new SpecException(field, $"{name} holds a structured (record) array; save each field as its own plain array");
        }

        if (FortranOrder().IsMatch(header))
        {
            throw new SpecException(field, $"{name} is stored in Fortran order; save it in C order, e.g. numpy.save(path, numpy.ascontiguousarray(x))");
        }

        var dtype = descr.Groups[1].Value;
        if (dtype.Length < 2 || dtype[0] == '>')
        {
            throw new SpecException(field, $"{name} is big-endian ({dtype}); save it little-endian, e.g. x.astype(x.dtype.newbyteorder('<'))");
        }

        var code = dtype[0] is '<' or '|' or '=' ? dtype[1..] : dtype;
        if (!Types.TryGetValue(code, out var kind))
        {
            throw new SpecException(field, $"{name} holds dtype {dtype}; supported: float16/32/64, uint8, int8/16/32/64, bool");
        }

        var shape = Shape().Match(header);
        var dims = shape.Success
            ? shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray()
            : throw new SpecException(field, $"{name} has no shape in its header");
        return new ArrayLayout(kind, dims, 0);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
