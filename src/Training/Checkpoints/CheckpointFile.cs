using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Platform.Training.Checkpoints;

/// <summary>One tensor of a checkpoint as stored: name, element type, shape and little-endian bytes.</summary>
public sealed record StoredTensor(string Name, ScalarType DType, long[] Shape, byte[] Data);

/// <summary>
/// One checkpoint on disk: a JSON header (step, data position, seed) and named raw tensors, followed
/// by a SHA-256 of everything before it, so a torn or altered file is detected on read. Written to a
/// temporary file and renamed, so a reader never sees a half-written checkpoint.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "PLATCKPT"u8.ToArray();
    private const int FormatVersion = 1;

    // Loss histories may hold NaN or Infinity from a diverged step; the header must still be writable.
    private static readonly JsonSerializerOptions HeaderJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes atomically and returns the file's SHA-256 (hex).</summary>
    public static string Write(string path, CheckpointMetadata metadata, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        string digest;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var writer = new BinaryWriter(new HashingStream(file, hash), Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                WriteBlock(writer, JsonSerializer.SerializeToUtf8Bytes(metadata, HeaderJson));
                var list = tensors.ToList();
                writer.Write(list.Count);
                foreach (var (name, value) in list)
                {
                    WriteTensor(writer, name, value);
                }
            }

            var sum = hash.GetHashAndReset();
            file.Write(sum);
            file.Flush(flushToDisk: true);
            digest = Convert.ToHexStringLower(sum);
        }

        File.Move(temp, path, overwrite: true);
        return digest;
    }

    /// <summary>True when the file is a checkpoint whose checksum matches; reads no tensors.</summary>
    public static bool Verify(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length >= Magic.Length + 32
            && bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            && SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32));
    }

    /// <summary>Reads and verifies a checkpoint; the tensors are new CPU tensors owned by the caller.</summary>
    public static (CheckpointMetadata Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        var (metadata, stored) = ReadStored(path);
        var tensors = new Dictionary<string, Tensor>(stored.Count, StringComparer.Ordinal);
        foreach (var t in stored)
        {
            var tensor = empty(t.Shape, t.DType);
            tensor.bytes = t.Data;
            tensors[t.Name] = tensor;
        }

        return (metadata, tensors);
    }

    /// <summary>Reads and verifies a checkpoint as raw bytes per tensor, without making tensors (no native code runs).</summary>
    public static (CheckpointMetadata Metadata, List<StoredTensor> Tensors) ReadStored(string path)
    {
        if (!Verify(path))
        {
            throw new CheckpointCorruptException(path, File.Exists(path) ? "not a checkpoint, or checksum mismatch (truncated or altered)" : "file not found");
        }

        var bytes = File.ReadAllBytes(path);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new CheckpointCorruptException(path, $"format version {version} is not supported");
        }

        var metadata = JsonSerializer.Deserialize<CheckpointMetadata>(reader.ReadBytes(reader.ReadInt32()), HeaderJson)
            ?? throw new CheckpointCorruptException(path, "empty header");
        var count = reader.ReadInt32();
        var tensors = new List<StoredTensor>(count);
        for (var i = 0; i < count; i++)
        {
            tensors.Add(ReadTensor(reader));
        }

        return (metadata, tensors);
    }

    private static void WriteTensor(BinaryWriter writer, string name, Tensor value)
    {
        using var cpu = value.detach().cpu().contiguous();
        writer.Write(name);
        writer.Write((int)cpu.dtype);
        writer.Write(cpu.shape.Length);
        foreach (var d in cpu.shape)
        {
            writer.Write(d);
        }

        var data = cpu.bytes;
        writer.Write((long)data.Length);
        writer.Write(data);
    }

    private static StoredTensor ReadTensor(BinaryReader reader)
    {
        var name = reader.ReadString();
        var dtype = (ScalarType)reader.ReadInt32();
        var shape = new long[reader.ReadInt32()];
        for (var d = 0; d < shape.Length; d++)
        {
            shape[d] = reader.ReadInt64();
        }

        return new StoredTensor(name, dtype, shape, reader.ReadBytes(checked((int)reader.ReadInt64())));
    }

    private static void WriteBlock(BinaryWriter writer, byte[] block)
    {
        writer.Write(block.Length);
        writer.Write(block);
    }

    /// <summary>Feeds every byte written to a hash on its way to the file.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
