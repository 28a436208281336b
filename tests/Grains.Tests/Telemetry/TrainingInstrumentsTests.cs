using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Telemetry;
using Platform.Training.Telemetry;

namespace Platform.Grains.Tests.Telemetry;

public sealed class TrainingInstrumentsTests
{
    private static readonly TelemetryLayout Layout = new(["w"], []);

    private static StepTelemetry Step(int step) => new(step, 1, 0.1, 1, [1], [1], [1], [1], [0], [0], [], [], 0.01, 0, 0, 64);

    [Fact]
    public void Finished_jobs_are_dropped_after_the_retention_with_nothing_scraping()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        var instruments = new TrainingInstruments(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), clock);

        for (var job = 0; job < 50; job++)
        {
            instruments.Record($"job-{job}", 0, Layout, Step(1));
            instruments.End($"job-{job}");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        instruments.Record("running", 0, Layout, Step(1));

        // Only the jobs that ended within the retention (two minutes) are kept, and the running one.
        Assert.Equal(["job-48", "job-49", "running"], instruments.Jobs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_job_that_starts_again_is_kept_past_its_earlier_end()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var clock = new FakeTimeProvider();
        var instruments = new TrainingInstruments(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), clock);

        instruments.Record("resumed", 0, Layout, Step(1));
        instruments.End("resumed");
        instruments.Record("resumed", 0, Layout, Step(2));
        clock.Advance(TimeSpan.FromMinutes(10));
        instruments.End("other");

        Assert.Contains("resumed", instruments.Jobs);
    }
}
