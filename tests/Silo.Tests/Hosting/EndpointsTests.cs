using Platform.Silo.Hosting;

namespace Platform.Silo.Tests.Hosting;

public sealed class EndpointsTests
{
    [Fact]
    public void A_free_port_is_drawn_below_the_ephemeral_range_that_outgoing_connections_use()
    {
        var start = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        var ports = Enumerable.Range(0, 20).Select(_ => Endpoints.FreePort()).ToList();

        Assert.All(ports, p => Assert.InRange(p, 10000, start - 1));
        Assert.All(ports, p => Assert.True(Endpoints.IsFree(p)));
    }
}
