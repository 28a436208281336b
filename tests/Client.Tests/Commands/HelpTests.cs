namespace Platform.Client.Tests.Commands;

/// <summary>Every command answers --help and -h with its own usage and exit 0.</summary>
public sealed class HelpTests
{
    private readonly string work = Repo.NewWorkDir();

    [Theory]
    [InlineData("train", "--help", "  train SPEC [--set k=v]...")]
    [InlineData("export", "-h", "  export PATH --out FILE.safetensors")]
    [InlineData("bench", "--help", "  bench scaling ")]
    [InlineData("status", "--help", "  status JOB --cluster HOST:PORT,...")]
    [InlineData("silo", "--help", "usage: platform silo [--silo-port P]")]
    public async Task A_command_with_help_prints_its_usage_and_exits_0(string command, string flag, string expected)
    {
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, command, flag);

        Assert.True(exit == 0, stderr);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("error", stdout + stderr, StringComparison.Ordinal);
    }
}
