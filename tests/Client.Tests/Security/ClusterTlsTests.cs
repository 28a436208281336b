using System.Text.Json.Nodes;
using Platform.Bench.Cluster;
using Platform.Tests.Shared;

namespace Platform.Client.Tests.Security;

/// <summary>Mutual TLS on real silo processes: the cluster's own parties get in, everyone else is refused in one line.</summary>
public sealed class ClusterTlsTests : IClassFixture<ClusterTlsTests.TlsCluster>
{
    private readonly TlsCluster cluster;
    private readonly string work = Repo.NewWorkDir();

    public ClusterTlsTests(TlsCluster cluster) => this.cluster = cluster;

    [Fact]
    public async Task A_client_with_the_clusters_certificate_trains_two_ranks_on_two_TLS_silos()
    {
        var summaryFile = Path.Combine(work, "s.json");
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, [
            "train", Repo.Example("fashion-mlp.yaml"), "--steps", "20", "--set", "data.limit=2560", "--workers", "2",
            "--cluster", cluster.Gateways, "--summary", summaryFile, .. cluster.Certificates.Options("alice")]);

        Assert.True(exit == 0, stderr);
        var summary = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!;
        Assert.Equal("completed", summary["status"]!.GetValue<string>());
        Assert.Equal(2, summary["silos"]!.AsArray().Select(s => s!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_in_one_line()
    {
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "status", "some-job", "--cluster", cluster.Gateways);

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("error: cannot reach the cluster at", line, StringComparison.Ordinal);
        Assert.EndsWith("if its silos run with TLS, pass --tls-cert, --tls-key and --tls-ca", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_CA_is_refused_in_one_line()
    {
        // It trusts both CAs, so the gateway passes its check: the gateway's check of it is what refuses it.
        var both = Path.Combine(work, "both.pem");
        await File.WriteAllTextAsync(both, await File.ReadAllTextAsync(cluster.Certificates.Ca) + await File.ReadAllTextAsync(cluster.Certificates.OtherCa));
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["status", "some-job", "--cluster", cluster.Gateways, .. cluster.Certificates.Foreign("mallory", both)]);

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("TLS with the cluster at", line, StringComparison.Ordinal);
        Assert.Contains("does not accept our certificate", line, StringComparison.Ordinal);

        // Trusting only its own CA, it refuses the gateway first.
        (exit, _, stderr) = await PlatformProcess.RunAsync(work, ["status", "some-job", "--cluster", cluster.Gateways, .. cluster.Certificates.Foreign("mallory", cluster.Certificates.OtherCa)]);
        Assert.Equal(1, exit);
        Assert.Contains("the gateway's certificate is not signed by --tls-ca", Assert.Single(stderr.Trim().Split('\n')), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_with_a_certificate_from_another_CA_cannot_join()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(
            Repo.PlatformDll, work, ["--primary", $"127.0.0.1:{cluster.Silos[0].SiloPort}", .. cluster.Certificates.Foreign("rogue-silo", cluster.Certificates.OtherCa)]));

        Assert.Contains("error: the silo could not start or join the cluster", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TLS_options_without_a_cluster_are_refused_and_TLS_variables_are_not_read_without_one()
    {
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "train", Repo.Example("fashion-mlp.yaml"), "--steps", "5", "--tls-cert", "a.pem");
        Assert.Equal(2, exit);
        Assert.Contains("secure the connection --cluster makes; pass --cluster too", stderr, StringComparison.Ordinal);

        // Variables set for cluster commands do not stop a job trained in this process, even when their files are gone.
        var environment = new Dictionary<string, string> { ["PLATFORM_TLS_CERT"] = "/gone.pem", ["PLATFORM_TLS_KEY"] = "/gone.key", ["PLATFORM_TLS_CA"] = "/gone-ca.pem" };
        var local = await PlatformProcess.RunAsync(work, environment, "train", Repo.Example("fashion-mlp.yaml"), "--steps", "5", "--set", "data.limit=640");
        Assert.True(local.Exit == 0, local.Stderr);
    }

    /// <summary>Two silo processes with the cluster's silo certificate, shared by the tests above.</summary>
    public sealed class TlsCluster : IAsyncLifetime
    {
        public ClusterCertificates Certificates { get; } = ClusterCertificates.Make(Repo.NewWorkDir());

        public IReadOnlyList<SiloProcess> Silos { get; private set; } = [];

        public string Gateways => string.Join(',', Silos.Select(s => s.Gateway));

        public async Task InitializeAsync() =>
            Silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, Repo.NewWorkDir(), 2, null, Certificates.Options("silo"));

        public async Task DisposeAsync() => await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
    }
}
