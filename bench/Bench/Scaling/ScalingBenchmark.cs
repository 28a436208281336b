using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.Bench.Cluster;

namespace Platform.Bench.Scaling;

/// <summary>
/// Training throughput of one rank with 2 torch threads against 2 ranks with 1 thread each, on two
/// silo processes, for the fashion MLP and the CNN. Throughput is samples per second of step time
/// (forward, backward, allreduce, update) as the job's rank 0 measures it, median of the runs.
/// </summary>
public sealed class ScalingBenchmark(string platformDll, int steps, int runs, string transport, TextWriter log)
{
    public async Task<IReadOnlyList<ScalingResult>> RunAsync()
    {
        var work = Directory.CreateTempSubdirectory("scaling-bench-").FullName;
        var silos = await SiloProcess.StartClusterAsync(platformDll, work, 2);
        try
        {
            using var host = await GatewayClient.ConnectAsync(silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)));
            var client = host.Services.GetRequiredService<IClusterClient>();
            var results = new List<ScalingResult>();
            foreach (var (name, model) in BenchJobs.Models)
            {
                await TrainAsync(client, model, work, workers: 1, threads: 2); // warm-up: loads the data in the silo
                await TrainAsync(client, model, work, workers: 2, threads: 1);
                var (one, two) = (new List<double>(), new List<double>());
                for (var run = 0; run < runs; run++)
                {
                    one.Add(await TrainAsync(client, model, work, workers: 1, threads: 2));
                    two.Add(await TrainAsync(client, model, work, workers: 2, threads: 1));
                    await log.WriteLineAsync($"{name} run {run + 1}/{runs}: 1 rank {one[^1]:0} samples/s, 2 ranks {two[^1]:0} samples/s");
                }

                var (a, b) = (BenchStats.Median(one), BenchStats.Median(two));
                results.Add(new ScalingResult(name, a, b, b / a));
            }

            return results;
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<double> TrainAsync(IClusterClient client, string model, string work, int workers, int threads)
    {
        var spec = BenchJobs.Spec(model, steps, work, $"workers: {workers}", $"threads: {threads}", $"allreduce: {{transport: {transport}}}");
        return (await BenchJobs.RunToEndAsync(client, $"scaling-{workers}", spec)).SamplesPerSecond;
    }
}

/// <summary>Samples per second with 1 rank (2 threads) and 2 ranks (1 thread each), and their ratio.</summary>
public sealed record ScalingResult(string Model, double OneRank, double TwoRanks, double Ratio);
