using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Platform.Spec;

namespace Platform.Grains.Collectives;

/// <summary>
/// How gradient values travel: float32 as is, or halved in size as IEEE fp16 or bfloat16.
/// Sums are always taken in float32 on arrival.
/// </summary>
public sealed class WireCodec
{
    private readonly Compression name;

    public WireCodec(Compression name) => this.name = name;

    public int BytesPerValue => name == Compression.None ? 4 : 2;

    /// <summary>True when values travel as their own float32 bytes.</summary>
    public bool IsIdentity => name == Compression.None;

    public byte[] Encode(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * BytesPerValue];
        EncodeInto(values, bytes);
        return bytes;
    }

    /// <summary>Encodes into <paramref name="bytes"/> and returns the number of bytes written.</summary>
    public int EncodeInto(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        switch (name)
        {
            case Compression.None:
                MemoryMarshal.AsBytes(values).CopyTo(bytes);
                break;
            case Compression.Fp16:
                TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<byte, Half>(bytes)[..values.Length]);
                break;
            default:
                var shorts = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (var i = 0; i < values.Length; i++)
                {
                    shorts[i] = ToBFloat16(values[i]);
                }

                break;
        }

        return values.Length * BytesPerValue;
    }

    /// <summary>Adds the decoded values into <paramref name="target"/> (reduce) or overwrites it (gather).</summary>
    public void Decode(ReadOnlySpan<byte> bytes, Span<float> target, bool add)
    {
        if (name == Compression.None)
        {
            var source = MemoryMarshal.Cast<byte, float>(bytes)[..target.Length];
            if (add)
            {
                TensorPrimitives.Add(target, source, target);
            }
            else
            {
                source.CopyTo(target);
            }

            return;
        }

        if (name == Compression.Fp16)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(bytes)[..target.Length];
            if (!add)
            {
                TensorPrimitives.ConvertToSingle(halves, target);
                return;
            }

            var scratch = ArrayPool<float>.Shared.Rent(target.Length);
            TensorPrimitives.ConvertToSingle(halves, scratch.AsSpan(0, target.Length));
            TensorPrimitives.Add(target, scratch.AsSpan(0, target.Length), target);
            ArrayPool<float>.Shared.Return(scratch);
            return;
        }

        var shorts = MemoryMarshal.Cast<byte, ushort>(bytes);
        for (var i = 0; i < target.Length; i++)
        {
            var value = FromBFloat16(shorts[i]);
            target[i] = add ? target[i] + value : value;
        }
    }

    /// <summary>Rounds values in place exactly as a trip over the wire would.</summary>
    public void RoundTrip(Span<float> values)
    {
        if (name != Compression.None)
        {
            Decode(Encode(values), values, add: false);
        }
    }

    /// <summary>Round to nearest even on the dropped 16 bits; NaN stays NaN.</summary>
    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    private static float FromBFloat16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
