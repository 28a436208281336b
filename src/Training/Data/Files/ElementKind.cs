using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Platform.Training.Data.Files;

/// <summary>The element types array files may hold; every one is read little-endian and converted to float32.</summary>
public enum ElementKind
{
    Float16,
    BFloat16,
    Float32,
    Float64,
    UInt8,
    Int8,
    Int16,
    Int32,
    Int64,
    Bool,
}

/// <summary>Sizes, names and conversions of <see cref="ElementKind"/>.</summary>
public static class Elements
{
    public static int Size(ElementKind kind) => kind switch
    {
        ElementKind.UInt8 or ElementKind.Int8 or ElementKind.Bool => 1,
        ElementKind.Float16 or ElementKind.BFloat16 or ElementKind.Int16 => 2,
        ElementKind.Float32 or ElementKind.Int32 => 4,
        _ => 8,
    };

    /// <summary>Whole-number kinds: their values cannot be NaN or infinite, and may be class ids.</summary>
    public static bool IsInteger(ElementKind kind) => kind is ElementKind.UInt8 or ElementKind.Int8 or ElementKind.Int16
        or ElementKind.Int32 or ElementKind.Int64 or ElementKind.Bool;

    /// <summary>
    /// Converts <paramref name="source"/> (little-endian elements of <paramref name="kind"/>) into
    /// <paramref name="destination"/>, one float per element.
    /// </summary>
    public static void ToFloats(ReadOnlySpan<byte> source, ElementKind kind, Span<float> destination)
    {
        switch (kind)
        {
            case ElementKind.Float32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case ElementKind.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case ElementKind.BFloat16:
                // bfloat16 is the upper half of a float32.
                var halves = MemoryMarshal.Cast<byte, ushort>(source);
                for (var i = 0; i < halves.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(halves[i] << 16);
                }

                break;
            case ElementKind.Float64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(source), destination);
                break;
            case ElementKind.UInt8 or ElementKind.Bool:
                TensorPrimitives.ConvertTruncating(source, destination);
                break;
            case ElementKind.Int8:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, sbyte>(source), destination);
                break;
            case ElementKind.Int16:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, short>(source), destination);
                break;
            case ElementKind.Int32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, int>(source), destination);
                break;
            default:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, long>(source), destination);
                break;
        }
    }

    /// <summary>Every element as a double, exactly for all kinds but int64 beyond 2^53 (labels are read this way).</summary>
    public static double[] ToDoubles(ReadOnlySpan<byte> source, ElementKind kind)
    {
        var values = new double[source.Length / Size(kind)];
        switch (kind)
        {
            case ElementKind.Float64:
                MemoryMarshal.Cast<byte, double>(source).CopyTo(values);
                break;
            case ElementKind.Int64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, long>(source), values.AsSpan());
                break;
            case ElementKind.Int32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, int>(source), values.AsSpan());
                break;
            default:
                // The remaining kinds are exact in float32.
                var floats = new float[values.Length];
                ToFloats(source, kind, floats);
                TensorPrimitives.ConvertTruncating<float, double>(floats, values);
                break;
        }

        return values;
    }
}
