using Platform.Training.Runtime;

namespace Platform.Training.Tests.Runtime;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Same_seed_and_stream_give_the_same_sequence()
    {
        var a = SplitMix64.For(1, 2);
        var b = SplitMix64.For(1, 2);

        Assert.Equal(Enumerable.Range(0, 5).Select(_ => a.Next()), Enumerable.Range(0, 5).Select(_ => b.Next()));
    }

    [Fact]
    public void Different_streams_differ()
    {
        var a = SplitMix64.For(1, 2);
        var b = SplitMix64.For(1, 3);

        Assert.NotEqual(a.Next(), b.Next());
    }

    [Fact]
    public void NextInt_stays_in_range_and_covers_it()
    {
        var rng = SplitMix64.For(5, 0);
        var seen = Enumerable.Range(0, 1000).Select(_ => rng.NextInt(7)).ToHashSet();

        Assert.Equal(Enumerable.Range(0, 7).ToHashSet(), seen);
    }
}
