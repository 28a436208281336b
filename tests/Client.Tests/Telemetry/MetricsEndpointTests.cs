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
        }
        finally
        {
            await PlatformProcess.RunAsync(work, "cancel", job, "--cluster", silo.Gateway);
        }
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient http, string url, Func<string, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var text = await http.GetStringAsync(url);
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
