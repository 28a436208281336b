using Platform.Spec;
using Platform.Grains.Collectives;

namespace Platform.Grains.Tests.Collectives;

public sealed class WireCodecTests
{
    private static readonly float[] Values = [0f, 1f, -2.5f, 3.14159f, 1e-3f, 65504f, -1e-8f];

    [Fact]
    public void Float32_round_trips_exactly()
    {
        var codec = new WireCodec(Compression.None);
        var back = new float[Values.Length];

        codec.Decode(codec.Encode(Values), back, add: false);

        Assert.Equal(Values, back);
        Assert.Equal(4 * Values.Length, codec.Encode(Values).Length);
    }

    [Theory]
    [InlineData(Compression.Fp16, 1e-3)]
    [InlineData(Compression.Bf16, 1e-2)]
    public void Sixteen_bit_codecs_halve_the_bytes_within_their_precision(Compression name, double tolerance)
    {
        var codec = new WireCodec(name);
        var back = new float[Values.Length];

        var bytes = codec.Encode(Values);
        codec.Decode(bytes, back, add: false);

        Assert.Equal(2 * Values.Length, bytes.Length);
        for (var i = 0; i < Values.Length; i++)
        {
            Assert.True(Math.Abs(back[i] - Values[i]) <= (tolerance * Math.Abs(Values[i])) + 1e-7, $"{name}: {Values[i]} came back as {back[i]}");
        }
    }

    [Theory]
    [InlineData(Compression.None)]
    [InlineData(Compression.Fp16)]
    [InlineData(Compression.Bf16)]
    public void Decode_can_add_into_the_target(Compression name)
    {
        var codec = new WireCodec(name);
        float[] target = [1f, 2f, 3f];

        codec.Decode(codec.Encode([1f, 1f, 1f]), target, add: true);

        Assert.Equal([2f, 3f, 4f], target);
    }

    [Fact]
    public void Round_trip_matches_what_a_receiver_decodes()
    {
        var codec = new WireCodec(Compression.Bf16);
        var local = (float[])Values.Clone();
        var remote = new float[Values.Length];

        codec.RoundTrip(local);
        codec.Decode(codec.Encode(Values), remote, add: false);

        Assert.Equal(remote, local);
    }
}
