using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Tests.Jobs;

[Collection(ClusterCollection.Name)]
public sealed class TrainingJobGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string checkpoints = Directory.CreateTempSubdirectory("job-tests-").FullName;

    private string Spec(int steps, int interval = 1000) => $"""
        model: {"{"}kind: mlp, depth: 2, width: 32, activation: tanh{"}"}
        data: {"{"}dataset: blobs, samples: 2048, test_samples: 512{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 64
        steps: {steps}
        seed: 2
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: {interval}, keep: 50{"}"}
        """;

    private ITrainingJobGrain Job(string name) => fixture.Client.GetGrain<ITrainingJobGrain>($"{name}-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_job_runs_to_completion_with_a_summary_and_a_checkpoint()
    {
        var job = Job("complete");

        var submitted = await job.SubmitAsync(new JobSubmission(Spec(100, interval: 40), Resume: false));
        var done = await WaitForEndAsync(job);
        var summary = await job.GetSummaryAsync();

        Assert.Equal(JobState.Running, submitted.State);
        Assert.Equal(JobState.Completed, done.State);
        Assert.NotNull(summary);
        Assert.Equal(100, summary.Steps);
        Assert.Equal(100, summary.LossHistory.Length);
        Assert.True(summary.TestAccuracy > 0.9, $"accuracy {summary.TestAccuracy}");
        Assert.True(summary.ParameterL2 > 0);
        Assert.Empty(summary.Findings);
        Assert.Empty(summary.Remedies);
        Assert.EndsWith("step-00000100.ckpt", summary.LastCheckpoint, StringComparison.Ordinal);
        Assert.True(File.Exists(summary.LastCheckpoint));
    }

    [Fact]
    public async Task A_bad_spec_fails_as_bad_input_without_starting_workers()
    {
        var progress = await Job("bad").SubmitAsync(new JobSubmission("optimizer: {lr: -1}", Resume: false));

        Assert.Equal(JobState.Failed, progress.State);
        Assert.Equal(FailureKind.BadInput, progress.FailureKind);
        Assert.StartsWith("optimizer.lr:", progress.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_dataset_fails_the_job_as_bad_input()
    {
        var job = Job("nodata");

        await job.SubmitAsync(new JobSubmission("data: {dataset: fashion-mnist, dir: /nonexistent}\nsteps: 5", Resume: false));
        var done = await WaitForEndAsync(job);

        Assert.Equal(JobState.Failed, done.State);
        Assert.Equal(FailureKind.BadInput, done.FailureKind);
        Assert.Contains("dataset-fashion-mnist", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_id_cannot_be_submitted_twice()
    {
        var job = Job("twice");
        await job.SubmitAsync(new JobSubmission(Spec(20), Resume: false));

        var second = await job.SubmitAsync(new JobSubmission(Spec(20), Resume: false));

        Assert.Equal(FailureKind.BadInput, second.FailureKind);
        Assert.Contains("already exists", second.Error, StringComparison.Ordinal);
        await WaitForEndAsync(job);
    }

    [Fact]
    public async Task Resuming_a_cancelled_job_ends_where_the_uninterrupted_run_ends()
    {
        const int Steps = 3000;
        var reference = Job("reference");
        await reference.SubmitAsync(new JobSubmission(Spec(Steps, interval: 50), Resume: false));
        await WaitForEndAsync(reference);
        var expected = (await reference.GetSummaryAsync())!;

        var interrupted = Job("interrupted");
        await interrupted.SubmitAsync(new JobSubmission(Spec(Steps, interval: 50), Resume: false));
        await WaitUntilAsync(interrupted, p => p.Step >= 100);
        await interrupted.CancelAsync();
        var cancelled = (await interrupted.GetSummaryAsync())!;
        Assert.Equal(JobState.Cancelled, cancelled.Status);
        Assert.True(cancelled.Steps < Steps, "the job finished before it could be interrupted");

        var resumed = await interrupted.SubmitAsync(new JobSubmission(Spec(Steps, interval: 50), Resume: true));
        Assert.Equal(FailureKind.None, resumed.FailureKind);
        await WaitForEndAsync(interrupted);
        var actual = (await interrupted.GetSummaryAsync())!;

        Assert.Equal(JobState.Completed, actual.Status);
        Assert.Equal(expected.ParameterL2, actual.ParameterL2);
        Assert.Equal(expected.LossHistory.Length, actual.LossHistory.Length);

        // Parameters match bit for bit; a loss is a reduction whose last bit may depend on buffer alignment.
        var worst = expected.LossHistory.Zip(actual.LossHistory, (e, a) => Math.Abs(e - a) / Math.Max(1e-12, Math.Abs(e))).Max();
        Assert.True(worst < 1e-6, $"per-step losses differ by up to {worst:E2} (relative)");
    }

    [Fact]
    public async Task Resume_without_a_checkpoint_is_refused()
    {
        var progress = await Job("nocheckpoint").SubmitAsync(new JobSubmission(Spec(10), Resume: true));

        Assert.Equal(FailureKind.BadInput, progress.FailureKind);
        Assert.Contains("no usable checkpoint", progress.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_holds_the_job_and_resume_continues_it()
    {
        var job = Job("pause");
        await job.SubmitAsync(new JobSubmission(Spec(3000), Resume: false));
        await WaitUntilAsync(job, p => p.Step > 0);

        await job.PauseAsync();
        Assert.Equal(JobState.Paused, (await job.GetProgressAsync()).State);
        await job.ResumeAsync();
        var done = await WaitForEndAsync(job);

        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(3000, done.Step);
    }

    internal static Task<JobProgress> WaitForEndAsync(ITrainingJobGrain job) => WaitUntilAsync(job, p => p.State.IsTerminal());

    internal static async Task<JobProgress> WaitUntilAsync(ITrainingJobGrain job, Func<JobProgress, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var progress = await job.GetProgressAsync();
            if (condition(progress) || progress.State.IsTerminal())
            {
                return progress;
            }

            await Task.Delay(10, deadline.Token);
        }
    }
}
