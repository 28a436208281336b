using System.Net;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.Deploy;

/// <summary>A silo configured only by what a pod of deploy/k8s gives it: the downward API variables and PLATFORM_* settings.</summary>
public sealed class PodEnvironmentTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Silos_configured_by_a_pods_environment_join_serve_their_probes_and_train_a_job()
    {
        await using var redis = await RedisServer.StartAsync();
        var checkpoints = Directory.CreateDirectory(Path.Combine(work, "checkpoints")).FullName;
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var pod in new[] { "platform-silo-0", "platform-silo-1" })
            {
                silos.Add(await SiloProcess.StartWithEnvironmentAsync(Repo.PlatformDll, work, Pod(pod, redis.Connection, checkpoints)));
            }

            Assert.Contains("silo ready (platform-silo-0): cluster platform,", silos[0].Output, StringComparison.Ordinal);
            Assert.Contains("clustering redis, storage redis", silos[1].Output, StringComparison.Ordinal);
            using var http = new HttpClient();
            foreach (var silo in silos)
            {
                var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.MetricsPort}/healthz/ready"));
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{silo.MetricsPort}/healthz/live"))).StatusCode);
                Assert.Contains("dotnet_", await http.GetStringAsync(new Uri(silo.MetricsUrl)), StringComparison.Ordinal); // the probes share the port with the metrics
            }

            var summary = Path.Combine(work, "summary.json");
            var (exit, _, stderr) = await PlatformProcess.RunAsync(
                work, "train", Repo.Example("fashion-mlp.yaml"), "--workers", "2", "--epochs", "1", "--set", "data.limit=6400", "--set", "threads=1",
                "--cluster", string.Join(',', silos.Select(s => s.Gateway)), "--job-id", "in-a-pod", "--summary", summary);
            Assert.True(exit == 0, stderr);
            var result = JsonNode.Parse(await File.ReadAllTextAsync(summary))!;
            Assert.Equal("completed", result["status"]!.GetValue<string>());
            Assert.True(File.Exists(Path.Combine(checkpoints, "in-a-pod", "manifest.json")), "checkpoints are not under PLATFORM_CHECKPOINT_DIR");
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Theory]
    [InlineData("PLATFORM_STORAGE", "mongo", "error: PLATFORM_STORAGE: unknown value 'mongo' (expected: memory, redis, postgres)")]
    [InlineData("PLATFORM_SILO_PORT", "eleven", "error: PLATFORM_SILO_PORT must be an integer between 1 and 65535 (got 'eleven')")]
    [InlineData("POD_IP", "not-an-ip", "error: POD_IP: not an IP address: 'not-an-ip'")]
    [InlineData("PLATFORM_DEVICE", "tpu", "error: PLATFORM_DEVICE: unknown device 'tpu' (expected cpu, cuda or cuda:N)")]
    [InlineData("PLATFORM_DEVICE", "cuda:0", "error: PLATFORM_DEVICE: cuda:0: this libtorch is built for CPU only (no libtorch_cuda.so beside it); use the image built with TORCH=cuda (docker build --build-arg TORCH=cuda), or device: cpu")]
    public async Task A_bad_value_in_the_environment_is_one_line_naming_the_variable(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string> { [variable] = value, ["PLATFORM_METRICS_PORT"] = "0" };
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, environment, "silo");

        Assert.Equal(2, exit);
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    /// <summary>What deploy/k8s sets in a silo container, with Redis and the shared volume on this machine.</summary>
    private static Dictionary<string, string> Pod(string name, string redis, string checkpoints) => new()
    {
        ["POD_NAME"] = name,
        ["POD_NAMESPACE"] = "training-platform",
        ["POD_IP"] = "127.0.0.1",
        ["ORLEANS_SERVICE_ID"] = "platform",
        ["ORLEANS_CLUSTER_ID"] = "platform",
        ["PLATFORM_CLUSTERING"] = "redis",
        ["PLATFORM_STORAGE"] = "redis",
        ["PLATFORM_REDIS"] = redis,
        ["PLATFORM_CHECKPOINT_DIR"] = checkpoints,
        ["PLATFORM_DEVICE"] = "cpu",

        // Not inside a real cluster: no Kubernetes API to watch pods through, whatever runs these tests.
        ["KUBERNETES_SERVICE_HOST"] = "",
    };
}
