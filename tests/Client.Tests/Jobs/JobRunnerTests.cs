using System.Collections.Immutable;
using Platform.Client.Jobs;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;
using Platform.Spec;

namespace Platform.Client.Tests.Jobs;

public sealed class JobRunnerTests
{
    [Fact]
    public async Task A_job_whose_record_is_gone_ends_the_command_with_an_error_instead_of_polling_forever()
    {
        var job = new ForgettingJob();
        var request = new JobRequest("forgotten", "steps: 10", JobSpecDocument.Parse("steps: 10").Validate(), Resume: false);

        var run = JobRunner.RunAsync(job, request, null, null, TimeProvider.System);
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Cli.Failed, exit);
        Assert.True(job.Waits <= 3, $"{job.Waits} calls to the cluster after the record was gone");
        Assert.Contains("no longer knows job forgotten", JobRunner.Lost("forgotten"), StringComparison.Ordinal);
    }

    /// <summary>A coordinator that took the job, then lost its record (memory storage, its silo died): it answers with no state.</summary>
    private sealed class ForgettingJob : ITrainingJobGrain
    {
        public int Waits { get; private set; }

        private static JobProgress Nothing(JobState state) => new("forgotten", state, 0, 10, 0, double.NaN, 0, 1, null, FailureKind.None);

        public Task<JobProgress> SubmitAsync(JobSubmission submission) => Task.FromResult(Nothing(JobState.Running));

        public Task<JobProgress> WaitAsync(TimeSpan maxWait)
        {
            Waits++;
            return Task.FromResult(Nothing(JobState.None));
        }

        public Task<JobProgress> GetProgressAsync() => Task.FromResult(Nothing(JobState.None));

        public Task<JobSummary?> GetSummaryAsync() => Task.FromResult<JobSummary?>(null);

        public Task<TelemetrySeries> GetTelemetryAsync(int maxPoints) => throw new NotSupportedException();

        public Task<ImmutableArray<AuditRecord>> GetAuditAsync() => Task.FromResult(ImmutableArray<AuditRecord>.Empty);

        public Task CancelAsync() => Task.CompletedTask;

        public Task PauseAsync() => Task.CompletedTask;

        public Task ResumeAsync() => Task.CompletedTask;
    }
}
