using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.Security;

/// <summary>
/// A two-rank job over direct TCP links while someone on the network sends garbage to every port the
/// silos listen on (Orleans, gateway, metrics, tensor links), leaves connections half open, and keeps
/// opening forged tensor links under the job's own link names: the job ends exactly as an undisturbed one.
/// </summary>
public sealed class HostileNetworkTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Garbage_half_open_connections_and_forged_links_on_every_port_leave_a_job_bit_identical()
    {
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2);
        try
        {
            var calm = await TrainAsync(silos, "calm");

            // The attack starts before the job, so forged links are there while its ranks open theirs.
            using var stop = new CancellationTokenSource();
            var attack = Task.Run(() => AttackAsync(silos, "attacked", stop.Token));
            var attacked = await TrainAsync(silos, "attacked");
            await stop.CancelAsync();
            var sent = await attack;

            Assert.True(sent.Forged > 0 && sent.Ports >= 6, $"the attack reached {sent.Ports} ports with {sent.Forged} forged links");
            Assert.Equal(calm["parameter_l2"]!.GetValue<double>(), attacked["parameter_l2"]!.GetValue<double>());
            Assert.Equal(Losses(calm), Losses(attacked));
            Assert.Equal("tcp", attacked["allreduce_transport"]!.GetValue<string>().Split(' ')[0]);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private async Task<JsonNode> TrainAsync(IReadOnlyList<SiloProcess> silos, string jobId)
    {
        var summary = Path.Combine(work, $"{jobId}.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, [
            "train", Repo.Example("fashion-mlp.yaml"), "--set", "data.limit=6400", "--epochs", "1", "--set", "threads=1", "--workers", "2",
            "--set", "allreduce.transport=tcp", "--set", "allreduce.shared_memory=false", "--job-id", jobId,
            "--cluster", string.Join(',', silos.Select(s => s.Gateway)), "--summary", summary]);
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(await File.ReadAllTextAsync(summary))!;
    }

    private static double[] Losses(JsonNode summary) => [.. summary["loss_history"]!.AsArray().Select(l => l!.GetValue<double>())];

    /// <summary>Until stopped: each round, to every port the silos listen on, garbage, a huge length prefix, a half-open connection and forged links of the job.</summary>
    private static async Task<(int Ports, int Forged)> AttackAsync(IReadOnlyList<SiloProcess> silos, string jobId, CancellationToken stop)
    {
        var random = new Random(7);
        var halfOpen = new List<Socket>();
        var seen = new HashSet<int>();
        var forged = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var port in silos.SelectMany(s => ListeningPorts(s.ProcessId)).Distinct())
                {
                    seen.Add(port);
                    var garbage = new byte[4096];
                    random.NextBytes(garbage);
                    await SendAsync(port, garbage, halfOpen: null);
                    await SendAsync(port, [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3], halfOpen: null);
                    if (halfOpen.Count < 200)
                    {
                        await SendAsync(port, [], halfOpen);
                    }

                    // The names the ranks' links go by: job/rank/generation (the first start is generation 1).
                    foreach (var rank in new[] { 0, 1 })
                    {
                        var name = Encoding.UTF8.GetBytes($"{jobId}/{rank}/1");
                        forged += await SendAsync(port, [.. BitConverter.GetBytes(name.Length), .. name, .. new byte[64], .. garbage[..256]], halfOpen: null) ? 1 : 0;
                    }
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }
        finally
        {
            halfOpen.ForEach(s => s.Dispose());
        }

        return (seen.Count, forged);
    }

    /// <summary>Connects to the port and sends the bytes; the socket is kept open in <paramref name="halfOpen"/> when given, else closed. False when the port refused.</summary>
    private static async Task<bool> SendAsync(int port, byte[] bytes, List<Socket>? halfOpen)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            if (bytes.Length > 0)
            {
                await socket.SendAsync(bytes);
            }

            if (halfOpen is not null)
            {
                halfOpen.Add(socket);
                return true;
            }
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            socket.Dispose();
            return false;
        }

        socket.Dispose();
        return true;
    }

    /// <summary>The TCP ports process <paramref name="pid"/> listens on, from its socket descriptors and the kernel's tables.</summary>
    private static IEnumerable<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        try
        {
            foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A descriptor closed while listed; the next round lists again.
        }

        const string Listen = "0A";
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == Listen && inodes.Contains(f[9]))
            .Select(f => Convert.ToInt32(f[1].Split(':')[1], 16))
            .Distinct()
            .ToList();
    }
}
