using System.Net;
using Platform.Grains.Placement;
using Platform.Spec;

namespace Platform.Grains.Tests.Placement;

/// <summary>The restart decision on its own: world size, layout and the audit's words, from the spec and the silos left.</summary>
public sealed class RestartPlannerTests
{
    private static SiloAddress[] Silos(int count) =>
        [.. Enumerable.Range(0, count).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 1))];

    private static JobSpec Spec(string extra = "") => JobSpecDocument.Parse($"""
        workers: 3
        batch_size: 96
        placement: {"{"}ranks_per_silo: 1{"}"}
        recovery: {"{"}max_recoveries: 2, replacement_wait_seconds: 30{"}"}
        {extra}
        """).Validate();

    private static RestartRequest Request(JobSpec spec, int silos, bool isRecovery = true, int? checkpoint = 40, int recoveries = 0, int[]? skipped = null) =>
        new(spec, "rank 2 lost", isRecovery ? "recovery" : "drain", isRecovery, LostAtStep: 47, Workers: 3, recoveries, Silos(silos), checkpoint, skipped ?? []);

    [Fact]
    public void A_lost_rank_with_room_left_restarts_at_the_same_world_size_from_the_last_checkpoint()
    {
        var plan = RestartPlanner.Plan(Request(Spec(), silos: 3));

        Assert.True(plan.Restarts);
        Assert.Equal(3, plan.World);
        Assert.Equal(3, plan.Layout.Distinct().Count());
        Assert.Equal((40, 47), (plan.FromStep, plan.AtStep));
        Assert.Equal("rank 2 lost; 3 ranks restarted on 3 silo(s) from the checkpoint of step 40; recovery 1 of 2", plan.Audit);
    }

    [Fact]
    public void An_elastic_job_shrinks_to_the_largest_world_that_fits_and_divides_the_global_batch()
    {
        var plan = RestartPlanner.Plan(Request(Spec("elastic: {min: 1}"), silos: 2));

        Assert.Equal(2, plan.World);
        Assert.Contains("world size 3 -> 2, global batch 96 kept", plan.Audit, StringComparison.Ordinal);
    }

    [Fact]
    public void A_world_that_does_not_divide_the_batch_is_passed_over()
    {
        // 5 silos fit 5 ranks, but 96 is not a multiple of 5: 4 is the largest that is.
        var plan = RestartPlanner.Plan(Request(Spec("elastic: {min: 1, max: 6}"), silos: 5));

        Assert.Equal(4, plan.World);
    }

    [Fact]
    public void Without_elastic_too_few_silos_fail_a_recovery_with_the_wait_it_gave()
    {
        var plan = RestartPlanner.Plan(Request(Spec(), silos: 2));

        Assert.False(plan.Restarts);
        Assert.Equal(
            "rank 2 lost; not recovered: 2 silo(s) left, not enough for 3 rank(s) at placement.ranks_per_silo 1, and none joined within 30 s (recovery.replacement_wait_seconds)",
            plan.Failure);
    }

    [Fact]
    public void A_drain_with_nowhere_to_go_stops_and_says_how_to_go_on()
    {
        var plan = RestartPlanner.Plan(Request(Spec(), silos: 2, isRecovery: false));

        Assert.False(plan.Restarts);
        Assert.EndsWith("the checkpoint of step 47 is kept, resubmit with --resume to go on", plan.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drain_is_not_counted_as_a_recovery_and_loses_no_step()
    {
        var plan = RestartPlanner.Plan(Request(Spec(), silos: 3, isRecovery: false, checkpoint: 47));

        Assert.DoesNotContain("recovery", plan.Audit, StringComparison.Ordinal);
        Assert.Equal(plan.FromStep, plan.AtStep);
    }

    [Fact]
    public void Without_a_checkpoint_the_job_starts_over_and_corrupt_ones_are_named()
    {
        var plan = RestartPlanner.Plan(Request(Spec(), silos: 3, checkpoint: null, skipped: [40, 20]));

        Assert.Equal(0, plan.FromStep);
        Assert.Contains("from the checkpoint of step 0; skipped corrupt checkpoint(s) of step 40, 20 (checksum mismatch)", plan.Audit, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recovery_limit_is_reached_after_max_recoveries()
    {
        Assert.Null(RestartPlanner.RecoveryLimit(Spec(), recoveries: 1, "rank 0 stalled"));
        Assert.Equal(
            "rank 0 stalled; not recovered: the job already recovered 2 time(s) (recovery.max_recoveries)",
            RestartPlanner.RecoveryLimit(Spec(), recoveries: 2, "rank 0 stalled"));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 3, int.MaxValue)]
    [InlineData(2, 3, 6)]
    public void Ranks_that_fit_follow_ranks_per_silo(int perSilo, int silos, int fit) =>
        Assert.Equal(fit, RestartPlanner.RanksThatFit(new PlacementSpec(perSilo), silos));
}
