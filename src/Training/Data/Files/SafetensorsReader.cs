using System.Buffers.Binary;
using System.Text.Json;
using Platform.Spec;

namespace Platform.Training.Data.Files;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header (dtype, shape and byte range
/// of each tensor), then the raw little-endian data. The inputs are memory-mapped; the labels are read whole.
/// </summary>
public static class SafetensorsReader
{
    private static readonly Dictionary<string, ElementKind> Types = new(StringComparer.Ordinal)
    {
        ["F16"] = ElementKind.Float16, ["BF16"] = ElementKind.BFloat16, ["F32"] = ElementKind.Float32, ["F64"] = ElementKind.Float64,
        ["U8"] = ElementKind.UInt8, ["I8"] = ElementKind.Int8, ["I16"] = ElementKind.Int16, ["I32"] = ElementKind.Int32,
        ["I64"] = ElementKind.Int64, ["BOOL"] = ElementKind.Bool,
    };

    internal static RawSplit Read(string path, string xKey, string yKey, string field)
    {
        var name = InputFile.Name(path);
        var tensors = Header(path, name, field);
        var x = Find(tensors, xKey, "data.x_key", name).AsSamples($"{name}[{xKey}]", field);
        var y = Find(tensors, yKey, "data.y_key", name);
        var labelBytes = new byte[y.Bytes];
        using (var file = InputFile.Open(path, field))
        {
            file.Position = y.Offset;
            file.ReadExactly(labelBytes);
        }

        var labels = LabelValues.From(y, labelBytes, $"{name}[{yKey}]", field);
        return new RawSplit($"{name}[{xKey}]", field, (int)x.Rows, x.RowShape, labels, RawSplit.AsStored, !Elements.IsInteger(x.Kind), targets => new MappedArraySource(path, x, targets));
    }

    /// <summary>Every tensor's layout, offsets counted from the start of the file.</summary>
    public static IReadOnlyDictionary<string, ArrayLayout> Header(string path, string name, string field)
    {
        using var file = InputFile.Open(path, field);
        var size = new byte[8];
        var length = file.ReadAtLeast(size, 8, throwOnEndOfStream: false) == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(size) : ulong.MaxValue;
        if (length == 0 || length > (ulong)(file.Length - 8))
        {
            throw new SpecException(field, $"{name} is not a safetensors file (its first 8 bytes are not a header length that fits the file)");
        }

        var header = new byte[length];
        file.ReadExactly(header);
        var start = 8 + (long)length;
        try
        {
            using var json = JsonDocument.Parse(header);
            var tensors = new Dictionary<string, ArrayLayout>(StringComparer.Ordinal);
            foreach (var tensor in json.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
            {
                tensors[tensor.Name] = Layout(tensor, start, file.Length, name, field);
            }

            return tensors;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            throw new SpecException(field, $"{name} has a malformed safetensors header: {e.Message}");
        }
    }

    private static ArrayLayout Layout(JsonProperty tensor, long start, long fileLength, string name, string field)
    {
        var dtype = tensor.Value.GetProperty("dtype").GetString() ?? "";
        if (!Types.TryGetValue(dtype, out var kind))
        {
            throw new SpecException(field, $"{name}[{tensor.Name}] holds dtype {dtype}; supported: {string.Join(", ", Types.Keys)}");
        }

        var shape = tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var range = tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var layout = new ArrayLayout(kind, shape, start + range[0]);
        if (range.Length != 2 || range[1] - range[0] != layout.Bytes || start + range[1] > fileLength)
        {
            throw new SpecException(field, $"{name}[{tensor.Name}]: data_offsets [{string.Join(", ", range)}] do not hold shape {layout.ShapeText} of {dtype} within the file");
        }

        return layout;
    }

    private static ArrayLayout Find(IReadOnlyDictionary<string, ArrayLayout> tensors, string key, string keyField, string name) =>
        tensors.TryGetValue(key, out var layout)
            ? layout
            : throw new SpecException(keyField, $"{name} has no tensor '{key}' (it has: {string.Join(", ", tensors.Keys.Order(StringComparer.Ordinal))}); set {keyField} to the name to use");
}
