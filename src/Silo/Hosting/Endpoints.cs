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

    /// <summary>A TCP port on loopback that was free a moment ago.</summary>
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
