using Platform.Grains.Jobs;

namespace Platform.Grains.Tests.Jobs;

public sealed class JobRecordTests
{
    [Fact]
    public void A_restart_begun_on_one_machine_is_timed_right_on_another_whose_monotonic_clock_differs()
    {
        var utc = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var first = new Clock(utc, timestamp: 5_000_000_000);
        var record = new JobRecord { RecoveryStartedUtc = first.GetUtcNow(), RecoveryFromStep = 40 };

        // The coordinator moved: a machine booted at another time, 4.5 s later by the wall clock.
        var second = new Clock(utc.AddSeconds(4.5), timestamp: 12_345);

        Assert.Null(record.RecoveredAt(40, second.GetUtcNow())); // the checkpoint's own step is not a step after the restart
        Assert.Equal(4.5, record.RecoveredAt(41, second.GetUtcNow()));
        Assert.Null(record.RecoveryStartedUtc);
        Assert.Null(record.RecoveredAt(42, second.GetUtcNow())); // measured once
    }

    /// <summary>A machine's clocks: the wall clock, and a monotonic one counting from its boot.</summary>
    private sealed class Clock(DateTimeOffset utc, long timestamp) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => utc;

        public override long GetTimestamp() => timestamp;
    }
}
