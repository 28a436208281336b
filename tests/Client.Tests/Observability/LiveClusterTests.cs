using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;
using Platform.Silo.Hosting;

namespace Platform.Client.Tests.Observability;

/// <summary>
/// A silo training a 2-rank deep-sigmoid job (vanishing gradients left unremedied, a spike injected
/// so a remedy fires), scraped: the dashboards and rules name only metrics it serves, and a real
/// Prometheus server scraping it raises VanishingGradient.
/// </summary>
public sealed class LiveClusterTests : IAsyncLifetime
{
    private readonly string work = Repo.NewWorkDir();
    private SiloProcess? silo;
    private string job = "";

    public async Task InitializeAsync()
    {
        silo = await SiloProcess.StartAsync(Repo.PlatformDll, work);
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(
            work, "submit", Repo.Example("deep-sigmoid.yaml"), "--cluster", silo.Gateway, "--workers", "2", "--set", "epochs=50", "--set", "threads=1",
            "--set", "health.policy.vanishing=[]", "--set", "faults=[{step: 40, kind: scale, factor: 100000}]",
            "--set", "eval.interval=20", "--set", "eval.samples=500");
        Assert.True(exit == 0, stderr);
        job = stdout.Trim();
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await PlatformProcess.RunAsync(work, "cancel", job, "--cluster", silo.Gateway);
            await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_metric_the_dashboards_and_rules_use_is_in_a_real_scrape()
    {
        using var http = new HttpClient();
        var scrape = "";
        var deadline = Stopwatch.StartNew();
        string[] awaited = ["training_allreduce_duration_seconds_bucket", "training_remedies_total", "training_health_findings_total", "training_layer_grad_norm", "training_validation_loss"];
        while (awaited.Any(m => !scrape.Contains($"\n{m}{{", StringComparison.Ordinal)))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"the scrape lacks some of {string.Join(", ", awaited)}:\n{scrape}");
            await Task.Delay(500);
            scrape = await http.GetStringAsync(silo!.MetricsUrl);
        }

        var dashboards = Directory.GetFiles(Path.Combine(Repo.Root, "observability", "grafana"), "*.json");
        var expressions = dashboards.SelectMany(PromQlNames.FromDashboard)
            .Concat(PromQlNames.FromRules(Path.Combine(Repo.Root, "observability", "prometheus", "rules", "training.rules.yml")))
            .ToList();
        Assert.Equal(3, dashboards.Length);
        Assert.True(expressions.Count > 30, $"only {expressions.Count} expressions found");
        var missing = PromQlNames.Missing(expressions, PromQlNames.Scraped(scrape));
        Assert.True(missing.Count == 0, $"names no scrape has:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_silo_and_fires_vanishing_gradient()
    {
        var dir = Directory.CreateTempSubdirectory("prometheus-").FullName;
        var port = Endpoints.FreePort();

        // The test's copy of the rules fires at once instead of after minutes.
        var rules = (await File.ReadAllTextAsync(Path.Combine(Repo.Root, "observability", "prometheus", "rules", "training.rules.yml")))
            .Replace("for: 2m", "for: 0s", StringComparison.Ordinal).Replace("for: 5m", "for: 0s", StringComparison.Ordinal).Replace("for: 1m", "for: 0s", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(dir, "training.rules.yml"), rules);
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), $"""
            global: {"{"}scrape_interval: 1s, evaluation_interval: 1s{"}"}
            rule_files: [training.rules.yml]
            scrape_configs:
              - job_name: platform-silos
                honor_labels: true
                static_configs: [{"{"}targets: ["127.0.0.1:{silo!.MetricsPort}"]{"}"}]
            """);
        var start = new ProcessStartInfo("prometheus", [
            $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var prometheus = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (Debian package prometheus; ./test installs it)");
        var log = prometheus.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await UntilAsync(http, "/api/v1/targets", d => d["data"]!["activeTargets"]!.AsArray().Any(t => t!["health"]!.GetValue<string>() == "up"), log);
            await UntilAsync(http, $"/api/v1/query?query={Uri.EscapeDataString($"training_layer_grad_norm{{job=\"{job}\"}}")}", d => d["data"]!["result"]!.AsArray().Count == 22, log);
            var alerts = await UntilAsync(http, "/api/v1/alerts", d => d["data"]!["alerts"]!.AsArray().Any(a => IsVanishing(a!, job)), log);

            var firing = alerts["data"]!["alerts"]!.AsArray().First(a => IsVanishing(a!, job))!;
            Assert.StartsWith("layers.", firing["labels"]!["layer"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains($"Job {job}: gradient of layer layers.", firing["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    private static bool IsVanishing(JsonNode alert, string job) =>
        alert["labels"]!["alertname"]!.GetValue<string>() == "VanishingGradient" && alert["labels"]!["job"]!.GetValue<string>() == job
        && alert["state"]!.GetValue<string>() == "firing";

    private static async Task<JsonNode> UntilAsync(HttpClient http, string path, Func<JsonNode, bool> done, Task<string> log)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                last = await http.GetStringAsync(path);
                var doc = JsonNode.Parse(last)!;
                if (done(doc))
                {
                    return doc;
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(500);
        }

        var output = log.IsCompleted ? await log : "(running)";
        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Prometheus never satisfied {path} within 60 s; last answer: {last}; log: {output}"));
    }
}
