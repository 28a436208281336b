using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Platform.Silo.CommandLine;

namespace Platform.Silo.Hosting;

/// <summary>HOST:PORT parsing and free-port discovery on loopback.</summary>
public static class Endpoints
{
    public static IPEndPoint Parse(string text, string option)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"{option}: expected HOST:PORT (got '{text}')");
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        try
        {
            var address = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new UsageException($"{option}: host '{host}' has no IPv4 address");
            return new IPEndPoint(address, port);
        }
        catch (SocketException)
        {
            throw new UsageException($"{option}: cannot resolve host '{host}'");
        }
    }

    public static IReadOnlyList<IPEndPoint> ParseList(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => Parse(t, option)).ToList() is { Count: > 0 } list
            ? list
            : throw new UsageException($"{option}: expected a comma-separated list of HOST:PORT");

    /// <summary>Whether a listener could take <paramref name="port"/> on every interface now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A TCP port that was free a moment ago, for a listener to take soon after. It is drawn below the
    /// kernel's ephemeral range, which outgoing connections take their local ports from: a port from
    /// inside it (what binding port 0 gives) can be taken by any connection in the meantime, and was
    /// (a silo failing to start with "address already in use" while other tests connected).
    /// </summary>
    public static int FreePort()
    {
        var (low, high) = (10000, EphemeralStart() - 1);
        for (var attempt = 0; high > low && attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(low, high + 1);
            if (IsFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux: <c>ip_local_port_range</c>; 49152 elsewhere, IANA's).</summary>
    private static int EphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            ? start
            : 49152;
    }
}
