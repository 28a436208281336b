using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// Samples read from a memory-mapped array (an .npy, or a tensor of a .safetensors file): each batch copies
/// and converts only its own rows into a float32 tensor, so a set larger than memory is never loaded whole
/// and each rank touches only the pages of its slice. The targets are held in memory.
/// </summary>
public sealed class MappedArraySource : ISampleSource, IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly ArrayLayout layout;
    private readonly Tensor targets;

    public MappedArraySource(string path, ArrayLayout layout, Tensor targets)
    {
        this.layout = layout;
        this.targets = targets;
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
    }

    public int Count => (int)layout.Rows;

    public (Tensor Inputs, Tensor Targets) Batch(long[] indices)
    {
        var inputs = empty([indices.Length, .. layout.RowShape], ScalarType.Float32);
        var floats = MemoryMarshal.Cast<byte, float>(inputs.bytes);
        var per = (int)layout.RowElements;
        for (var i = 0; i < indices.Length; i++)
        {
            Read(indices[i], 1, floats.Slice(i * per, per));
        }

        return (inputs, targets.index_select(0, tensor(indices)));
    }

    public (Tensor Inputs, Tensor Targets) Range(int start, int count)
    {
        // Consecutive rows are one run of bytes: one read for the whole range.
        var inputs = empty([count, .. layout.RowShape], ScalarType.Float32);
        Read(start, count, MemoryMarshal.Cast<byte, float>(inputs.bytes));
        return (inputs, targets.narrow(0, start, count));
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }

    private void Read(long row, int count, Span<float> destination)
    {
        if (row < 0 || row + count > layout.Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"rows {row}..{row + count - 1} are outside the array's {layout.Rows} rows");
        }

        var at = (ulong)(layout.Offset + (row * layout.RowBytes) + view.PointerOffset);
        var buffer = view.SafeMemoryMappedViewHandle;
        if (layout.Kind == ElementKind.Float32)
        {
            buffer.ReadSpan(at, destination);
            return;
        }

        var length = (int)(count * layout.RowBytes);
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.ReadSpan(at, bytes.AsSpan(0, length));
            Elements.ToFloats(bytes.AsSpan(0, length), layout.Kind, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
