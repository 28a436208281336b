using System.Runtime.InteropServices;
using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// Where an array's elements lie in a file: C order, little-endian, <see cref="Shape"/>[0] rows, starting
/// <see cref="Offset"/> bytes in. Rows are the samples.
/// </summary>
public sealed record ArrayLayout(ElementKind Kind, long[] Shape, long Offset)
{
    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>One row's shape: the sample shape for inputs.</summary>
    public long[] RowShape => Shape.Length == 0 ? [] : Shape[1..];

    public long RowElements => RowShape.Aggregate(1L, (a, d) => a * d);

    public long RowBytes => RowElements * Elements.Size(Kind);

    public long Bytes => Rows * RowBytes;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <summary>The layout read as samples: a 1-D array is N samples of one feature; a scalar is refused.</summary>
    public ArrayLayout AsSamples(string name, string field) => Shape.Length switch
    {
        0 => throw new SpecException(field, $"{name} is a single value; inputs need one row per sample"),
        1 => this with { Shape = [Shape[0], 1] },
        _ => this,
    };

    /// <summary>Elements held in memory, converted to a float32 tensor of this shape.</summary>
    public Tensor ToTensor(ReadOnlySpan<byte> data)
    {
        var t = empty(Shape, ScalarType.Float32);
        Elements.ToFloats(data, Kind, MemoryMarshal.Cast<byte, float>(t.bytes));
        return t;
    }
}
