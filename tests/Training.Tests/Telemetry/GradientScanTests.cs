using Platform.Training.Telemetry;

namespace Platform.Training.Tests.Telemetry;

public sealed class GradientScanTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    [InlineData(250_001)]
    public void Matches_a_double_precision_reference(int length)
    {
        var values = Values(length, seed: length);
        var scan = GradientScan.Of(values);

        var sum = values.Sum(v => (double)v * v);
        Assert.Equal(sum, scan.SumSquares, sum * 1e-6);
        Assert.Equal(values.Max(Math.Abs), scan.MaxAbs);
        Assert.Equal(values.LongCount(v => v == 0), scan.Zeros);
        Assert.Equal(0, scan.NonFinite);
    }

    [Fact]
    public void Counts_non_finite_values_and_lets_them_show_in_the_norm()
    {
        var values = Values(1000, seed: 5);
        values[3] = float.NaN;
        values[998] = float.NaN;
        values[500] = float.NegativeInfinity;
        var scan = GradientScan.Of(values);
        Assert.Equal(3, scan.NonFinite);
        Assert.True(double.IsNaN(scan.SumSquares));
        Assert.True(float.IsNaN(scan.MaxAbs));

        var infinite = Values(1000, seed: 6);
        infinite[17] = float.PositiveInfinity;
        var inf = GradientScan.Of(infinite);
        Assert.Equal(1, inf.NonFinite);
        Assert.True(double.IsPositiveInfinity(inf.SumSquares));
        Assert.True(float.IsPositiveInfinity(inf.MaxAbs));
    }

    [Fact]
    public void Sum_of_squares_of_weights_matches_a_reference()
    {
        var a = Values(5000, seed: 1);
        var expected = a.Sum(x => (double)x * x);
        Assert.Equal(expected, GradientScan.SumOfSquares(a), expected * 1e-6);
    }

    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(i => i % 11 == 0 ? 0f : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 3)))).ToArray();
    }
}
