using Platform.Silo.CommandLine;

namespace Platform.Silo.Tests.CommandLine;

public sealed class ArgReaderTests
{
    [Fact]
    public void Reads_values_repeats_flags_and_equals_forms()
    {
        var args = new ArgReader(["spec.yaml", "--set", "a=1", "--set=b.c=2", "--workers", "3", "--resume"], new HashSet<string> { "resume" });

        Assert.Equal(["a=1", "b.c=2"], args.All("set"));
        Assert.Equal(3, args.Int("workers"));
        Assert.True(args.Flag("resume"));
        Assert.Equal("spec.yaml", args.Positional(0, "SPEC"));
        args.Done(maxPositionals: 1);
    }

    [Fact]
    public void Unclaimed_options_and_extra_arguments_are_errors()
    {
        Assert.Equal("unknown option --typo", Assert.Throws<UsageException>(() => new ArgReader(["--typo", "1"], new HashSet<string>()).Done(0)).Message);
        Assert.Equal("unexpected argument 'b'", Assert.Throws<UsageException>(() => new ArgReader(["a", "b"], new HashSet<string>()).Done(1)).Message);
    }

    [Fact]
    public void Bad_values_are_named()
    {
        Assert.Equal("option --workers needs a value", Assert.Throws<UsageException>(() => new ArgReader(["--workers"], new HashSet<string>())).Message);
        Assert.Equal("--workers must be an integer >= 1 (got 'two')", Assert.Throws<UsageException>(() => new ArgReader(["--workers", "two"], new HashSet<string>()).Int("workers", 1)).Message);
    }
}
