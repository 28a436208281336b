using System.Diagnostics;
using System.Text.RegularExpressions;
using Platform.Bench.Cluster;
using Platform.Spec;
using Platform.Training.Engine;

namespace Platform.Client.Tests.Telemetry;

/// <summary>A real silo's Prometheus endpoint, scraped while a job trains, checked by Prometheus' own linter.</summary>
public sealed partial class MetricsEndpointTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task A_running_job_is_scraped_with_a_series_per_parameter_and_promtool_finds_no_problem()
    {
        await using var silo = await SiloProcess.StartAsync(Repo.PlatformDll, work);
        var spec = Repo.Example("deep-sigmoid.yaml");
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, "submit", spec, "--cluster", silo.Gateway, "--set", "epochs=50", "--set", "threads=1");
        Assert.True(exit == 0, stderr);
        var job = stdout.Trim();
        try
        {
            using var http = new HttpClient();
            var scrape = await ScrapeUntilAsync(http, silo.MetricsUrl, text => text.Contains($"training_layer_grad_norm{{otel_scope_name=\"Platform.Training\",job=\"{job}\"", StringComparison.Ordinal));

            var (lintExit, lint) = await PromtoolCheckAsync(scrape);
            Assert.True(lintExit == 0 && lint.Length == 0, $"promtool check metrics (exit {lintExit}):\n{lint}");

            using var session = new TrainingSession(JobSpecDocument.Load(spec).Set("threads=1").Validate(), 0, 1);
            var series = LayerSeries().Matches(scrape).Where(m => m.Groups["job"].Value == job).Select(m => m.Groups["layer"].Value).ToHashSet();
            Assert.Equal(session.Layout.Layers.Order(), series.Order());
            Assert.Contains("orleans_", scrape, StringComparison.Ordinal);
            Assert.Contains("dotnet_gc_", scrape, StringComparison.Ordinal);

            // The same job, live in the watch table and drawn by report.
            var watch = await PlatformProcess.RunAsync(work, "watch", job, "--cluster", silo.Gateway, "--once");
            Assert.True(watch.Exit == 0, watch.Stderr);
            Assert.All(session.Layout.Layers, layer => Assert.Contains($"\n{layer} ", watch.Stdout.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal));
            var png = Path.Combine(work, "report.png");
            var report = await PlatformProcess.RunAsync(work, "report", job, "--cluster", silo.Gateway, "--out", png);
            Assert.True(report.Exit == 0, report.Stderr);
            Assert.Equal((1400, 800), PngSize(png));
            var alerts = await PlatformProcess.RunAsync(work, "alerts", job, "--cluster", silo.Gateway);
            Assert.True(alerts.Exit == 0, alerts.Stderr);
            Assert.Contains("finding  vanishing", alerts.Stdout, StringComparison.Ordinal);
            Assert.Contains("training_health_findings_total{", await http.GetStringAsync(silo.MetricsUrl), StringComparison.Ordinal);
        }
        finally
        {
            await PlatformProcess.RunAsync(work, "cancel", job, "--cluster", silo.Gateway);
        }
    }

    [Fact]
    public async Task Train_with_metrics_port_can_be_scraped_while_it_trains()
    {
        var port = Platform.Silo.Hosting.Endpoints.FreePort();
        using var train = PlatformProcess.Start(work, "train", Repo.Example("fashion-mlp.yaml"), "--steps", "5000", "--set", "threads=1", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var http = new HttpClient();
            var scrape = await ScrapeUntilAsync(http, $"http://127.0.0.1:{port}/metrics", text => LayerSeries().IsMatch(text), tolerateRefusal: true);
            Assert.Contains("layer=\"layers.0.weight\"", scrape, StringComparison.Ordinal);
        }
        finally
        {
            train.Interrupt();
            await train.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    internal static (int Width, int Height) PngSize(string file)
    {
        var bytes = File.ReadAllBytes(file);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient http, string url, Func<string, bool> done, bool tolerateRefusal = false)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string text;
            try
            {
                text = await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (tolerateRefusal && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                // The process is still building or starting its silo.
                await Task.Delay(250);
                continue;
            }

            if (done(text))
            {
                return text;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"no layer metrics at {url} after 60 s:\n{text}");
            await Task.Delay(250);
        }
    }

    private static async Task<(int Exit, string Output)> PromtoolCheckAsync(string scrape)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (Debian package prometheus; ./test installs it)");
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(scrape);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, (await output + await errors).Trim());
    }

    [GeneratedRegex("""^training_layer_grad_norm\{[^}]*job="(?<job>[^"]+)",layer="(?<layer>[^"]+)"\} """, RegexOptions.Multiline)]
    private static partial Regex LayerSeries();
}
