namespace Platform.Spec.Tests;

public sealed class FaultSpecTests
{
    private static IReadOnlyList<FaultSpec> Faults(string yaml) => JobSpecDocument.Parse($"faults: {yaml}").Validate().Faults;

    [Fact]
    public void A_fault_hits_its_step_on_every_rank_or_on_the_one_it_names()
    {
        var faults = Faults("[{step: 3, kind: scale, factor: 100000}, {step: 5, kind: inf, rank: 1, layer: layers.0.weight}]");

        Assert.Equal((FaultKind.Scale, 100000.0), (faults[0].Kind, faults[0].Factor));
        Assert.True(faults[0].Hits(3, 0) && faults[0].Hits(3, 7));
        Assert.False(faults[0].Hits(4, 0));
        Assert.True(faults[1].Hits(5, 1));
        Assert.False(faults[1].Hits(5, 0));
        Assert.Equal("layers.0.weight", faults[1].Layer);
    }

    [Fact]
    public void A_stall_is_a_fault_of_the_rank_not_of_its_gradients()
    {
        var stall = Faults("[{step: 10, kind: stall, seconds: 30}]")[0];

        Assert.True(stall.IsStall);
        Assert.Equal(30, stall.Seconds);
    }
}
