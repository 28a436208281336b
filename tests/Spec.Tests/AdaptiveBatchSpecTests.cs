namespace Platform.Spec.Tests;

public sealed class AdaptiveBatchSpecTests
{
    private static JobSpec Job(string extra) => JobSpecDocument.Parse($"workers: 2\nbatch_size: 128\n{extra}").Validate();

    [Fact]
    public void Off_by_default_and_when_on_grows_to_16_times_the_batch_with_the_linear_rule()
    {
        Assert.False(Job("").AdaptiveBatch.Enabled);
        var spec = Job("adaptive_batch: {enabled: true}").AdaptiveBatch;

        Assert.Equal((true, 2048, 50, 100, LrRule.Linear), (spec.Enabled, spec.Max, spec.Interval, spec.Warmup, spec.LrRule));
    }

    [Theory]
    [InlineData("workers: 2\nsteps: 100\nadaptive_batch: {enabled: true}", "adaptive_batch.enabled: set epochs, not steps")]
    [InlineData("workers: 1\nadaptive_batch: {enabled: true}", "adaptive_batch.enabled: needs workers >= 2")]
    [InlineData("workers: 2\nhealth: {enabled: false}\ntelemetry: {enabled: false}\nadaptive_batch: {enabled: true}", "adaptive_batch.enabled: needs health or telemetry on")]
    [InlineData("workers: 2\nadaptive_batch: {enabled: true, max: 64}", "adaptive_batch.max: must be at least batch_size (128), got 64")]
    [InlineData("workers: 2\nadaptive_batch: {enabled: true, max: 1001}", "adaptive_batch.max: must be divisible by workers (2)")]
    [InlineData("workers: 2\nadaptive_batch: {enabled: true, lr_rule: cubic}", "adaptive_batch.lr_rule: unknown value 'cubic' (expected one of: none, sqrt, linear, adascale)")]
    [InlineData("workers: 2\nadaptive_batch: {enabled: true, maximum: 4096}", "adaptive_batch.maximum")]
    public void Bad_settings_are_refused_naming_the_field(string yaml, string message)
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse($"batch_size: 128\n{yaml}").Validate());

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Off_it_checks_nothing()
    {
        Assert.False(JobSpecDocument.Parse("steps: 10\nadaptive_batch: {max: 1}").Validate().AdaptiveBatch.Enabled);
    }

    [Theory]
    [InlineData(LrRule.None, 1.0)]
    [InlineData(LrRule.Sqrt, 2.0)]
    [InlineData(LrRule.Linear, 4.0)]
    public void The_batch_rules_scale_by_the_batch_factor(LrRule rule, double factor)
    {
        var spec = AdaptiveBatchSpec.Off with { LrRule = rule };

        Assert.Equal(factor, spec.LrFactor(512, 128, noise: 1000), 12);
    }

    [Fact]
    public void Adascale_gain_lies_between_one_and_the_batch_factor_and_tends_to_it_with_a_large_noise_scale()
    {
        var spec = AdaptiveBatchSpec.Off with { LrRule = LrRule.Adascale };

        // r = (B/b0 + 1) / (B/b + 1): nothing for a noiseless gradient, the full factor when noise dominates.
        Assert.Equal(1.0, spec.LrFactor(512, 128, noise: 0), 12);
        Assert.Equal((1000.0 / 128 + 1) / (1000.0 / 512 + 1), spec.LrFactor(512, 128, noise: 1000), 12);
        Assert.InRange(spec.LrFactor(512, 128, noise: 1e9), 3.999, 4.0);
        Assert.Equal(1.0, spec.LrFactor(512, 128, noise: null), 12);
    }
}
