using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;
using Platform.Grains.Interfaces.Collectives;
using Platform.Grains.Placement;
using Platform.Silo.Hosting;

namespace Platform.Bench.Allreduce;

/// <summary>
/// Allreduce bandwidth between ranks in separate silo processes on loopback, against plain TCP
/// sockets between separate processes moving the same bytes in the same ring pattern. The ranks'
/// paths: Orleans messages, direct TCP links, and direct links moved to shared memory (the silos
/// share this machine). Each iteration's time is the slowest rank's; the first iterations warm up
/// and are dropped. The four paths take turns, run after run, and each ratio is the median of the per-run ratios, so the
/// machine's drift between runs cancels.
/// </summary>
public sealed class AllreduceBenchmark(string platformDll, int workers, int megabytes, int iterations, int runs, string compression, int? chunkKb, TextWriter log)
{
    private const int Warmup = 3;

    private int Bytes => megabytes * 1024 * 1024;

    public async Task<AllreduceResult> RunAsync()
    {
        var work = Directory.CreateTempSubdirectory("allreduce-bench-").FullName;
        var silos = await SiloProcess.StartClusterAsync(platformDll, work, workers);
        try
        {
            using var client = await GatewayClient.ConnectAsync(silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)));
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var hosts = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys
                .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
            var (orleans, tcp, shm, raw) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var run = 0; run < runs; run++)
            {
                orleans.Add(await RingAsync(grains, hosts, "orleans", sharedMemory: false));
                tcp.Add(await RingAsync(grains, hosts, "tcp", sharedMemory: false));
                shm.Add(await RingAsync(grains, hosts, "tcp", sharedMemory: true));
                raw.Add(await RawTcpAsync(work));
                await log.WriteLineAsync(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"run {run + 1}/{runs}: orleans messages {orleans[^1] * 1000:0.0} ms, direct tcp {tcp[^1] * 1000:0.0} ms, shared memory {shm[^1] * 1000:0.0} ms, raw tcp {raw[^1] * 1000:0.0} ms per allreduce"));
            }

            await client.StopAsync();
            double RatioOf(List<double> path) => BenchStats.Median([.. raw.Zip(path, (r, t) => r / t)]);
            var paths = new[] { ("orleans", orleans), ("tcp", tcp), ("shm", shm) }.Select(p => (Name: p.Item1, Times: p.Item2, Ratio: RatioOf(p.Item2))).ToList();
            var best = paths.MaxBy(p => p.Ratio);
            return new AllreduceResult(
                workers, Bytes, AlgBw(BenchStats.Median(best.Times)), BusBw(BenchStats.Median(best.Times)), BusBw(BenchStats.Median(raw)), best.Ratio, best.Name, compression,
                BusBw(BenchStats.Median(orleans)), paths[0].Ratio, BusBw(BenchStats.Median(tcp)), paths[1].Ratio)
            {
                ShmBusBwMbS = BusBw(BenchStats.Median(shm)),
                ShmRatio = paths[2].Ratio,
            };
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The chunk size each path uses; the raw baseline writes in the TCP transport's chunks.</summary>
    private int ChunkKb(string transport) => chunkKb ?? Spec.AllreduceSpec.DefaultChunkKb(Spec.Choice.Parse<Spec.Transport>(transport, "--transport"));

    private double AlgBw(double seconds) => Bytes / seconds / 1e6;

    private double BusBw(double seconds) => AlgBw(seconds) * 2 * (workers - 1) / workers;

    /// <summary>The median seconds of one allreduce (the slowest rank's) over <paramref name="transport"/> between ranks on <paramref name="hosts"/>.</summary>
    internal async Task<double> RingAsync(IClusterClient grains, IReadOnlyList<SiloAddress> hosts, string transport, bool sharedMemory)
    {
        var bench = $"allreduce-{transport}-{Guid.NewGuid():N}";
        var ranks = Enumerable.Range(0, workers).Select(r => grains.GetGrain<IAllreduceBenchGrain>($"{bench}/{r}")).ToList();

        // The links prove a secret, as a job's do: the handshake is part of what is measured.
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        for (var r = 0; r < workers; r++)
        {
            var (rank, assignment) = (ranks[r], new AllreduceBenchAssignment(bench, r, workers, Bytes, iterations + Warmup, compression, ChunkKb(transport), transport, sharedMemory, secret));
            await RankPlacementHint.On(hosts[r % hosts.Count], () => rank.StartAsync(assignment));
        }

        var times = new List<double[]>();
        foreach (var rank in ranks)
        {
            times.Add(await WaitForTimesAsync(rank));
        }

        return SlowestMedian(times);
    }

    private async Task<double> RawTcpAsync(string work)
    {
        var ports = Enumerable.Range(0, workers).Select(_ => Endpoints.FreePort()).ToList();
        var peers = Enumerable.Range(0, workers).Select(r =>
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                platformDll, "bench", "tcp-peer", "--rank", Text(r), "--world", Text(workers), "--port", Text(ports[r]),
                "--next", $"127.0.0.1:{ports[(r + 1) % workers]}", "--bytes", Text(Bytes), "--iterations", Text(iterations + Warmup), "--chunk-kb", Text(ChunkKb("tcp")),
            })
            {
                start.ArgumentList.Add(arg);
            }

            return Process.Start(start)!;
        }).ToList();

        var times = new List<double[]>();
        foreach (var peer in peers)
        {
            var stdout = await peer.StandardOutput.ReadToEndAsync();
            await peer.WaitForExitAsync();
            times.Add(peer.ExitCode == 0
                ? JsonSerializer.Deserialize<double[]>(stdout)!
                : throw new InvalidOperationException($"tcp peer failed: {await peer.StandardError.ReadToEndAsync()}"));
            peer.Dispose();
        }

        return SlowestMedian(times);
    }

    private static double SlowestMedian(IReadOnlyList<double[]> perRank) =>
        BenchStats.Median([.. Enumerable.Range(Warmup, perRank[0].Length - Warmup).Select(i => perRank.Max(t => t[i]))]);

    private static async Task<double[]> WaitForTimesAsync(IAllreduceBenchGrain rank)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            var times = await rank.GetTimesAsync();
            if (times.Length > 0)
            {
                return times;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Bandwidths in MB/s (10^6 bytes): algorithm and bus bandwidth, the raw TCP bus bandwidth, and their ratio.</summary>
public sealed record AllreduceResult(
    int Workers, int Bytes, double AlgBwMbS, double BusBwMbS, double RawTcpMbS, double Ratio, string Transport, string Compression,
    double OrleansBusBwMbS, double OrleansRatio, double TcpBusBwMbS, double TcpRatio)
{
    /// <summary>Bus bandwidth of direct links moved to shared memory.</summary>
    public double ShmBusBwMbS { get; init; }

    public double ShmRatio { get; init; }
}
