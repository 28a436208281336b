using System.Diagnostics;

namespace Platform.Client.Tests.Observability;

/// <summary>The shipped Prometheus config and alert rules, checked and unit-tested by promtool.</summary>
public sealed class PrometheusRulesTests
{
    private static string Dir => Path.Combine(Repo.Root, "observability", "prometheus");

    [Fact]
    public async Task Promtool_checks_the_rules_and_the_config()
    {
        var rules = await Promtool.RunAsync(Dir, "check", "rules", "rules/training.rules.yml");
        Assert.True(rules.Exit == 0, rules.Output);
        Assert.Contains("SUCCESS: 6 rules found", rules.Output, StringComparison.Ordinal);

        var config = await Promtool.RunAsync(Dir, "check", "config", "prometheus.yml");
        Assert.True(config.Exit == 0, config.Output);
    }

    [Fact]
    public async Task Promtool_unit_tests_of_the_rules_pass()
    {
        var result = await Promtool.RunAsync(Dir, "test", "rules", "tests/training.rules.test.yml");
        Assert.True(result.Exit == 0, result.Output);
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
    }
}

/// <summary>Runs Debian's promtool (package prometheus, which ./test installs).</summary>
internal static class Promtool
{
    public static async Task<(int Exit, string Output)> RunAsync(string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("promtool", args) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
