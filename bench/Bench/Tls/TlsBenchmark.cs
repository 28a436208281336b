using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Bench.Allreduce;
using Platform.Bench.Cluster;
using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Bench.Tls;

/// <summary>
/// What mutual TLS costs: two clusters of two silo processes on loopback, one plain and one with
/// TLS, measured in turns, run after run: allreduce time over Orleans messages (which TLS encrypts)
/// and over the direct TCP links (which it does not: they prove the job's secret in their handshake
/// only), and the samples per second of a 2-rank fashion MLP job. Each ratio (TLS over plain) is the
/// median of the per-run ratios.
/// </summary>
public sealed class TlsBenchmark(string platformDll, int megabytes, int steps, int runs, TextWriter log)
{
    public async Task<TlsResult> RunAsync()
    {
        var work = Directory.CreateTempSubdirectory("tls-bench-").FullName;
        BenchCertificates.Make(work);
        var plain = await SiloProcess.StartClusterAsync(platformDll, work, 2);
        var secure = await SiloProcess.StartClusterAsync(platformDll, work, 2, null, BenchCertificates.Options(work, "silo"));
        try
        {
            var tls = ClusterTls.From(new ArgReader(BenchCertificates.Options(work, "client"), new HashSet<string>()));
            using var plainClient = await GatewayClient.ConnectAsync(Gateways(plain));
            using var tlsClient = await GatewayClient.ConnectAsync(Gateways(secure), tls);
            var ring = new AllreduceBenchmark(platformDll, 2, megabytes, 5, 1, "none", null, log);
            var (orleans, tcp, job) = (new List<double>(), new List<double>(), new List<double>());
            for (var run = 0; run < runs; run++)
            {
                var o = await Paired(plainClient, tlsClient, (c, hosts) => ring.RingAsync(c, hosts, "orleans", sharedMemory: false));
                var t = await Paired(plainClient, tlsClient, (c, hosts) => ring.RingAsync(c, hosts, "tcp", sharedMemory: false));
                var j = await Paired(plainClient, tlsClient, async (c, _) => 1 / (await BenchJobs.RunToEndAsync(c, "tls-bench", BenchJobs.Spec(BenchJobs.Models[0].Model, steps, work, "workers: 2", "threads: 1"))).SamplesPerSecond);
                (orleans, tcp, job) = ([.. orleans, o.Tls / o.Plain], [.. tcp, t.Tls / t.Plain], [.. job, j.Tls / j.Plain]);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"run {run + 1}/{runs}: allreduce {megabytes} MB over orleans messages {o.Plain * 1000:0.0} ms plain, {o.Tls * 1000:0.0} ms TLS; over direct tcp {t.Plain * 1000:0.0} / {t.Tls * 1000:0.0} ms; 2-rank job {1 / j.Plain:N0} / {1 / j.Tls:N0} samples/s"));
            }

            await plainClient.StopAsync();
            await tlsClient.StopAsync();
            return new TlsResult(megabytes, steps, runs, BenchStats.Median([.. orleans]), BenchStats.Median([.. tcp]), 1 / BenchStats.Median([.. job]));
        }
        finally
        {
            await Task.WhenAll(plain.Concat(secure).Select(s => s.DisposeAsync().AsTask()));
            Directory.Delete(work, recursive: true);
        }
    }

    private static IEnumerable<IPEndPoint> Gateways(IEnumerable<SiloProcess> silos) => silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort));

    /// <summary>The same measurement on the plain cluster, then on the TLS one.</summary>
    private static async Task<(double Plain, double Tls)> Paired(IHost plain, IHost tls, Func<IClusterClient, IReadOnlyList<SiloAddress>, Task<double>> measure)
    {
        async Task<double> On(IHost host)
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var hosts = (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
            return await measure(client, hosts);
        }

        return (await On(plain), await On(tls));
    }
}

/// <summary>TLS over plain: allreduce time over Orleans messages and over direct TCP links (above 1 is slower), and a 2-rank job's samples/s (below 1 is slower).</summary>
public sealed record TlsResult(int Megabytes, int Steps, int Runs, double OrleansTimeRatio, double TcpTimeRatio, double JobThroughputRatio);
