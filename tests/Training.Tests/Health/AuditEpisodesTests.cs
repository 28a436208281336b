using Platform.Training.Health;

namespace Platform.Training.Tests.Health;

/// <summary>The audit folds repeats of an episode; it never drops one.</summary>
public sealed class AuditEpisodesTests
{
    private const int Cooldown = 50;

    private static HealthRecord Clip(int step, double norm) => new(step, HealthRecordKind.Remedy, "clip", [], norm, 1, $"global norm {norm} clipped");

    [Fact]
    public void Repeats_within_the_cooldown_are_folded_into_one_record_once_it_is_over()
    {
        var episodes = new AuditEpisodes(Cooldown);
        var audit = new List<HealthRecord>();

        for (var step = 285; step < 300; step++)
        {
            episodes.Close(audit, step);
            episodes.Add(audit, Clip(step, step == 290 ? 9 : 2), "spike");
        }

        Assert.Equal([285], audit.Select(r => r.Step));
        episodes.Close(audit, 334);
        Assert.Single(audit);
        episodes.Close(audit, 335);

        var folded = audit[1];
        Assert.Equal((299, "clip", 9.0), (folded.Step, folded.Name, folded.Value));
        Assert.StartsWith("clip x14 more, steps 286-299 (largest value 9)", folded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_remedy_for_a_finding_of_another_kind_is_recorded_within_the_cooldown()
    {
        var episodes = new AuditEpisodes(Cooldown);
        var audit = new List<HealthRecord>();

        episodes.Add(audit, Clip(285, 2), "spike");
        episodes.Add(audit, Clip(300, 80656), "exploding+spike");

        Assert.Equal([285, 300], audit.Select(r => r.Step));
    }

    [Fact]
    public void The_end_of_the_run_writes_what_is_still_folded_and_every_repeat_is_counted()
    {
        var episodes = new AuditEpisodes(Cooldown);
        var audit = new List<HealthRecord>();
        for (var step = 0; step < 120; step++)
        {
            episodes.Close(audit, step);
            episodes.Add(audit, Clip(step, 2), "spike");
        }

        episodes.CloseAll(audit);

        // 0 recorded, 1-49 folded; 50 recorded, 51-99 folded; 100 recorded, 101-119 folded at the end.
        Assert.Equal([0, 49, 50, 99, 100, 119], audit.Select(r => r.Step));
        var represented = audit.Sum(r => r.Detail.StartsWith("clip x", StringComparison.Ordinal) ? int.Parse(r.Detail.Split(' ')[1][1..], System.Globalization.CultureInfo.InvariantCulture) : 1);
        Assert.Equal(120, represented);
    }

    [Fact]
    public void Discrete_events_are_recorded_every_time()
    {
        var episodes = new AuditEpisodes(Cooldown);
        var audit = new List<HealthRecord>();

        episodes.Add(audit, new HealthRecord(10, HealthRecordKind.Remedy, "skip", [], double.NaN, 0, "update skipped"), "");
        episodes.Add(audit, new HealthRecord(11, HealthRecordKind.Remedy, "skip", [], double.NaN, 0, "update skipped"), "");

        Assert.Equal(2, audit.Count);
    }

    [Fact]
    public void Folded_repeats_survive_a_checkpoint()
    {
        var episodes = new AuditEpisodes(Cooldown);
        var audit = new List<HealthRecord>();
        episodes.Add(audit, Clip(0, 2), "spike");
        episodes.Add(audit, Clip(1, 3), "spike");

        var resumed = new AuditEpisodes(Cooldown);
        resumed.Restore(episodes.Save());
        resumed.CloseAll(audit);

        Assert.Equal("clip x1 more, steps 1-1 (largest value 3); last: global norm 3 clipped", audit[^1].Detail);
    }
}
