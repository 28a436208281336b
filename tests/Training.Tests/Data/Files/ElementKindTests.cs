using System.Runtime.InteropServices;
using Platform.Training.Data.Files;

namespace Platform.Training.Tests.Data.Files;

public sealed class ElementKindTests
{
    [Fact]
    public void Each_kind_converts_to_the_same_floats()
    {
        float[] expected = [-2f, 0f, 3f, 100f];
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<Half>([(Half)(-2), (Half)0, (Half)3, (Half)100]), ElementKind.Float16));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<ushort>([0xC000, 0, 0x4040, 0x42C8]), ElementKind.BFloat16));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<double>([-2, 0, 3, 100]), ElementKind.Float64));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<sbyte>([-2, 0, 3, 100]), ElementKind.Int8));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<short>([-2, 0, 3, 100]), ElementKind.Int16));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<int>([-2, 0, 3, 100]), ElementKind.Int32));
        Assert.Equal(expected, Floats(MemoryMarshal.AsBytes<long>([-2, 0, 3, 100]), ElementKind.Int64));
        Assert.Equal([255f, 0f, 1f], Floats([255, 0, 1], ElementKind.UInt8));
    }

    [Fact]
    public void Labels_keep_large_integers_exact()
    {
        Assert.Equal([16_777_217.0], Elements.ToDoubles(MemoryMarshal.AsBytes<int>([16_777_217]), ElementKind.Int32));
        Assert.Equal([(double)(1L << 40) + 1], Elements.ToDoubles(MemoryMarshal.AsBytes<long>([(1L << 40) + 1]), ElementKind.Int64));
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes, ElementKind kind)
    {
        var floats = new float[bytes.Length / Elements.Size(kind)];
        Elements.ToFloats(bytes, kind, floats);
        return floats;
    }
}
