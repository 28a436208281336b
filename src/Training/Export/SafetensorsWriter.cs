using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Platform.Training.Checkpoints;
using static TorchSharp.torch;

namespace Platform.Training.Export;

/// <summary>
/// Writes the safetensors format that PyTorch users load with <c>safetensors.torch.load_file</c>: an
/// 8-byte little-endian header length, a JSON header (each tensor's dtype, shape and byte range, plus
/// string <c>__metadata__</c>) padded to 8 bytes, then the tensors' little-endian bytes back to back.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<StoredTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = metadata };
        var offset = 0L;
        foreach (var t in tensors)
        {
            header[t.Name] = new Dictionary<string, object>
            {
                ["dtype"] = DType(t),
                ["shape"] = t.Shape,
                ["data_offsets"] = new[] { offset, offset + t.Data.Length },
            };
            offset += t.Data.Length;
        }

        var json = JsonSerializer.Serialize(header);
        var padded = json.PadRight((json.Length + 7) / 8 * 8);
        var headerBytes = Encoding.UTF8.GetBytes(padded);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            file.Write(length);
            file.Write(headerBytes);
            foreach (var t in tensors)
            {
                file.Write(t.Data);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private static string DType(StoredTensor t) => t.DType switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"tensor {t.Name} has element type {t.DType}, which safetensors cannot hold"),
    };
}
