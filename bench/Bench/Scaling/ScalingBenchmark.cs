using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;

namespace Platform.Bench.Scaling;

/// <summary>
/// Training throughput of 2 ranks on two silo processes, with the job defaults (transport and threads
/// chosen by the platform), against the best single-rank configuration (1 and 2 torch threads both
/// tried) and against PyTorch DDP over gloo on the same machine, all alternating run by run, for the
/// fashion MLP and the CNN. The platform's figure is samples per second of step time as the job's rank
/// 0 measures it; the two-rank step's phases (forward, backward, copies, allreduce wait, ...) are the
/// medians over steps, then over runs. The ceiling is what two ranks could reach on this machine with
/// no communication at all: two independent single-rank jobs of half the batch, one thread each,
/// trained at once on one silo, their samples per second added.
/// </summary>
public sealed class ScalingBenchmark(string platformDll, int steps, int runs, string transport, bool ddp, int? bucketKb, IReadOnlyCollection<string> models, TextWriter log)
{
    private static readonly int[] SingleRankThreads = [1, 2];

    public async Task<IReadOnlyList<ScalingResult>> RunAsync()
    {
        var work = Directory.CreateTempSubdirectory("scaling-bench-").FullName;
        var silos = await SiloProcess.StartClusterAsync(platformDll, work, 2);
        try
        {
            using var host = await GatewayClient.ConnectAsync(silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)));
            var client = host.Services.GetRequiredService<IClusterClient>();
            var results = new List<ScalingResult>();
            foreach (var (name, model) in BenchJobs.Models.Where(m => models.Contains(m.Name)))
            {
                results.Add(await ModelAsync(client, name, model, work));
            }

            return results;
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<ScalingResult> ModelAsync(IClusterClient client, string name, string model, string work)
    {
        // Warm-up: loads the data in both silos.
        await TrainAsync(client, model, work, workers: 2, threads: null);
        var single = SingleRankThreads.ToDictionary(t => t, _ => new List<double>());
        var (two, peer, ceiling) = (new List<double>(), new List<double>(), new List<double>());
        var phases = new List<IReadOnlyDictionary<string, double>>();
        for (var run = 0; run < runs; run++)
        {
            foreach (var threads in SingleRankThreads)
            {
                single[threads].Add((await TrainAsync(client, model, work, workers: 1, threads)).SamplesPerSecond);
            }

            var summary = await TrainAsync(client, model, work, workers: 2, threads: null);
            two.Add(summary.SamplesPerSecond);
            phases.Add(summary.PhaseMs ?? []);
            ceiling.Add(await IndependentAsync(client, model, work));
            if (ddp)
            {
                peer.Add(await DdpPeer.RunAsync(name, steps));
            }

            await log.WriteLineAsync($"{name} run {run + 1}/{runs}: 1 rank {string.Join(", ", single.Select(s => $"x {s.Key} thread(s) {s.Value[^1]:0}"))}, 2 ranks {two[^1]:0} samples/s, ceiling {ceiling[^1]:0}{(ddp ? $", PyTorch DDP {peer[^1]:0}" : "")}");
        }

        var (bestThreads, best) = single.Select(s => (s.Key, BenchStats.Median(s.Value))).MaxBy(s => s.Item2);
        var twoRanks = BenchStats.Median(two);
        var medianPhases = phases.SelectMany(p => p.Keys).Distinct().ToDictionary(k => k, k => BenchStats.Median([.. phases.Where(p => p.ContainsKey(k)).Select(p => p[k])]));
        var peerMedian = ddp ? BenchStats.Median(peer) : (double?)null;
        var ceilingMedian = BenchStats.Median(ceiling);
        return new ScalingResult(name, best, bestThreads, single.ToDictionary(s => s.Key, s => BenchStats.Median(s.Value)), twoRanks, twoRanks / best, peerMedian, twoRanks / peerMedian, medianPhases)
        {
            Ceiling = ceilingMedian,
            CeilingRatio = ceilingMedian / best,
        };
    }

    /// <summary>Two single-rank jobs of half the batch at once, one thread each: the samples per second of both together.</summary>
    private async Task<double> IndependentAsync(IClusterClient client, string model, string work)
    {
        var spec = BenchJobs.SpecWithBatch(model, steps, BenchJobs.Batch / 2, work, "workers: 1", "threads: 1");
        var both = await Task.WhenAll(BenchJobs.RunToEndAsync(client, "scaling-ceiling-a", spec), BenchJobs.RunToEndAsync(client, "scaling-ceiling-b", spec));
        return both.Sum(s => s.SamplesPerSecond);
    }

    private async Task<Grains.Interfaces.Jobs.JobSummary> TrainAsync(IClusterClient client, string model, string work, int workers, int? threads)
    {
        var buckets = bucketKb is { } kb ? $", bucket_kb: {kb}" : "";
        var spec = BenchJobs.Spec(model, steps, work, $"workers: {workers}", threads is { } t ? $"threads: {t}" : "", $"allreduce: {{transport: {transport}{buckets}}}");
        return await BenchJobs.RunToEndAsync(client, $"scaling-{workers}", spec);
    }
}

/// <summary>
/// Samples per second of the best single-rank configuration (and of each thread count tried), of 2
/// ranks with the job defaults, their ratio, PyTorch DDP's figure and the ratio to it when it ran, and
/// the two-rank step's median milliseconds per phase; the ceiling (two independent half-batch jobs at
/// once) and its ratio to the best single rank.
/// </summary>
public sealed record ScalingResult(
    string Model,
    double OneRank,
    int OneRankThreads,
    IReadOnlyDictionary<int, double> OneRankByThreads,
    double TwoRanks,
    double Ratio,
    double? Ddp,
    double? DdpRatio,
    IReadOnlyDictionary<string, double> TwoRankPhasesMs)
{
    public double Ceiling { get; init; }

    public double CeilingRatio { get; init; }
}
