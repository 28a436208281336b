using Platform.Silo.CommandLine;
using Platform.Silo.Hosting;

namespace Platform.Silo.Tests.Hosting;

public sealed class SiloOptionsTests
{
    private static readonly HashSet<string> Flags = ["allow-user-code"];

    private static SiloOptions Parse(string[] args, Dictionary<string, string>? environment = null) =>
        SiloOptions.Parse(new ArgReader(args, Flags, environment ?? []));

    [Fact]
    public void Defaults_are_a_localhost_silo_with_memory_storage_and_the_platform_ids()
    {
        var options = Parse([]);

        Assert.Equal((11111, 30000, SiloOptions.DefaultMetricsPort), (options.SiloPort, options.GatewayPort, options.MetricsPort));
        Assert.Equal((ClusteringKind.Localhost, StorageKind.Memory, "cpu"), (options.Clustering, options.Storage, options.Device));
        Assert.Equal(("platform", "platform"), (options.ClusterId, options.ServiceId));
        Assert.False(options.AllowUserCode);
    }

    [Fact]
    public void A_pod_is_configured_by_its_environment_and_the_command_line_wins_over_it()
    {
        var environment = new Dictionary<string, string>
        {
            ["PLATFORM_SILO_PORT"] = "12000",
            ["PLATFORM_CLUSTER_ID"] = "lab",
            ["ORLEANS_SERVICE_ID"] = "vision",
            ["PLATFORM_ALLOW_USER_CODE"] = "true",
        };

        var options = Parse(["--silo-port", "13000"], environment);

        Assert.Equal(13000, options.SiloPort);
        Assert.Equal(("lab", "vision"), (options.ClusterId, options.ServiceId));
        Assert.True(options.AllowUserCode);
    }

    [Theory]
    [InlineData(new[] { "--storage", "disk" }, "--storage: unknown value 'disk' (expected: memory, redis, postgres)")]
    [InlineData(new[] { "--clustering", "redis" }, "--clustering redis needs --redis CONNECTION (e.g. 127.0.0.1:6379)")]
    [InlineData(new[] { "--postgres", "Host=x" }, "--postgres applies only with --storage postgres")]
    [InlineData(new[] { "--silo-port", "70000" }, "--silo-port")]
    public void Bad_options_are_refused_naming_the_option(string[] args, string message)
    {
        var error = Assert.Throws<UsageException>(() => Parse(args));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_from_the_environment_names_the_variable()
    {
        var error = Assert.Throws<UsageException>(() => Parse([], new Dictionary<string, string> { ["PLATFORM_STORAGE"] = "disk" }));

        Assert.StartsWith("PLATFORM_STORAGE: unknown value 'disk'", error.Message, StringComparison.Ordinal);
    }
}
