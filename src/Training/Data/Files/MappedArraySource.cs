using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// Samples read from a memory-mapped array (an .npy, or a tensor of a .safetensors file): each batch copies
/// and converts only its own rows into a float32 tensor, so a set larger than memory is never loaded whole
/// and each rank touches only the pages of its slice. The targets are held in memory.
/// </summary>
public sealed class MappedArraySource : ISampleSource, IDisposable
{
    // Copies of many rows go in pieces of at most this many bytes: a span holds under 2^31.
    private const long PieceBytes = 1L << 28;

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

    /// <summary>An .npy of inputs and an .npy of class ids, mapped as training maps them; for benchmarks and tools.</summary>
    public static MappedArraySource OpenNpy(string path, string labelsPath)
    {
        var split = NpyReader.Read(path, labelsPath, "data.train", "data.train_labels");
        return (MappedArraySource)split.WithTargets(LabelCheck.Resolve(split.Labels, null, DataTask.Classification).Train);
    }

    public (Tensor Inputs, Tensor Targets) Batch(long[] indices)
    {
        var inputs = empty([indices.Length, .. layout.RowShape], ScalarType.Float32);
        Copy(indices.Select(i => (i, 1L)), MemoryMarshal.Cast<byte, float>(inputs.bytes));
        return (inputs, targets.index_select(0, tensor(indices)));
    }

    public (Tensor Inputs, Tensor Targets) Range(int start, int count)
    {
        var inputs = empty([count, .. layout.RowShape], ScalarType.Float32);
        Copy(Pieces(start, count, PieceBytes), MemoryMarshal.Cast<byte, float>(inputs.bytes));
        return (inputs, targets.narrow(0, start, count));
    }

    /// <summary>Every row copied into memory: the same samples as an in-memory <see cref="TensorDataset"/>.</summary>
    public TensorDataset Load() => Load(PieceBytes);

    internal TensorDataset Load(long pieceBytes)
    {
        // One tensor's span is limited to 2^31 bytes, so a large set is filled a piece at a time.
        var inputs = empty([Count, .. layout.RowShape], ScalarType.Float32);
        foreach (var (start, count) in Pieces(0, Count, pieceBytes))
        {
            using var piece = inputs.narrow(0, start, count);
            Copy([(start, count)], MemoryMarshal.Cast<byte, float>(piece.bytes));
        }

        return new TensorDataset(inputs, targets);
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }

    private IEnumerable<(long Start, long Count)> Pieces(long start, long count, long pieceBytes)
    {
        var rows = Math.Max(1, pieceBytes / Math.Max(1, layout.RowBytes));
        for (var at = start; at < start + count; at += rows)
        {
            yield return (at, Math.Min(rows, start + count - at));
        }
    }

    /// <summary>Converts runs of consecutive rows, in order, into <paramref name="destination"/>.</summary>
    private unsafe void Copy(IEnumerable<(long Row, long Count)> runs, Span<float> destination)
    {
        // The pointer is taken once per call: per row, the safe accessors cost as much as the copy.
        var handle = view.SafeMemoryMappedViewHandle;
        byte* start = null;
        handle.AcquirePointer(ref start);
        try
        {
            var data = start + view.PointerOffset + layout.Offset;
            var at = 0;
            foreach (var (row, count) in runs)
            {
                if (row < 0 || row + count > layout.Rows)
                {
                    throw new ArgumentOutOfRangeException(nameof(runs), $"rows {row}..{row + count - 1} are outside the array's {layout.Rows} rows");
                }

                var elements = (int)(count * layout.RowElements);
                var source = new ReadOnlySpan<byte>(data + (row * layout.RowBytes), checked((int)(count * layout.RowBytes)));
                Elements.ToFloats(source, layout.Kind, destination.Slice(at, elements));
                at += elements;
            }
        }
        finally
        {
            handle.ReleasePointer();
        }
    }
}
