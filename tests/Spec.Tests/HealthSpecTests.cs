namespace Platform.Spec.Tests;

public sealed class HealthSpecTests
{
    private static HealthSpec Health(string yaml) => JobSpecDocument.Parse($"health: {yaml}").Validate().Health;

    [Fact]
    public void The_default_policy_fixes_what_can_be_fixed_in_the_step()
    {
        var health = Health("{}");

        Assert.True(health.Enabled && health.Act);
        Assert.Equal(HealthSpec.Rules.Order(), health.Policy.Keys.Order());
        Assert.Equal([RemedyNames.Clip], health.Policy[HealthRuleNames.Spike]);
        Assert.Equal([RemedyNames.Reinit, RemedyNames.LayerScale], health.Policy[HealthRuleNames.Vanishing]);
        Assert.Equal((ClipMode.ZScore, LayerScope.All), (health.Remedies.ClipMode, health.Remedies.LayerScope));
    }

    [Fact]
    public void A_policy_names_replace_the_default_for_their_rule_only()
    {
        var health = Health("{mode: observe, policy: {spike: [skip, pause]}, remedies: {clip_mode: percentile, layer_scope: vanishing}}");

        Assert.False(health.Act);
        Assert.Equal([RemedyNames.Skip, RemedyNames.Pause], health.Policy[HealthRuleNames.Spike]);
        Assert.Equal([RemedyNames.Clip], health.Policy[HealthRuleNames.Exploding]);
        Assert.Equal((ClipMode.Percentile, LayerScope.Vanishing), (health.Remedies.ClipMode, health.Remedies.LayerScope));
    }

    [Fact]
    public void An_unknown_clip_mode_lists_the_modes()
    {
        var error = Assert.Throws<SpecException>(() => Health("{remedies: {clip_mode: median}}"));

        Assert.Equal("health.remedies.clip_mode: unknown value 'median' (expected one of: zscore, fixed, percentile)", error.Message);
    }

    [Fact]
    public void Reinit_is_taken_within_the_first_200_steps_on_512_samples_unless_the_spec_says_otherwise()
    {
        Assert.Equal((200, 512), (Health("{}").Remedies.ReinitWithin, Health("{}").Remedies.ReinitSamples));
        Assert.Equal((0, 64), (Health("{remedies: {reinit_within: 0, reinit_samples: 64}}").Remedies.ReinitWithin, Health("{remedies: {reinit_within: 0, reinit_samples: 64}}").Remedies.ReinitSamples));

        var error = Assert.Throws<SpecException>(() => Health("{remedies: {reinit_samples: 1}}"));
        Assert.StartsWith("health.remedies.reinit_samples:", error.Message, StringComparison.Ordinal);
    }
}
