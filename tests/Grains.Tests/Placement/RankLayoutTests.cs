using System.Net;
using Platform.Grains.Placement;

namespace Platform.Grains.Tests.Placement;

public sealed class RankLayoutTests
{
    private static readonly SiloAddress[] Silos =
        [SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1), SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1)];

    [Fact]
    public void Ranks_go_round_robin_over_silos_in_address_order()
    {
        var layout = RankLayout.Assign(Silos, ranks: 3, ranksPerSilo: 0);

        Assert.Equal([11111, 11112, 11111], layout.Select(s => s.Endpoint.Port));
    }

    [Fact]
    public void Too_many_ranks_for_the_per_silo_limit_are_refused_with_the_numbers()
    {
        var error = Assert.Throws<PlacementException>(() => RankLayout.Assign(Silos, ranks: 3, ranksPerSilo: 1));

        Assert.Equal("workers: 3 ranks do not fit on 2 active silo(s) at placement.ranks_per_silo 1", error.Message);
    }
}
