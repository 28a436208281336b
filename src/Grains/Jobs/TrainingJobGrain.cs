using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Platform.Grains.Collectives;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;
using Platform.Grains.Interfaces.Workers;
using Platform.Grains.Placement;
using Platform.Grains.Telemetry;
using Platform.Spec;
using Platform.Training.Checkpoints;

namespace Platform.Grains.Jobs;

/// <summary>Coordinates one job: validates it, starts a worker per rank, and records progress and the result.</summary>
[Orleans.Placement.PreferLocalPlacement] // on the silo the client came in through, which is known to be alive
public sealed partial class TrainingJobGrain(
    [PersistentState("job", StorageNames.Jobs)] IPersistentState<JobRecord> record,
    [PersistentState("code", StorageNames.Jobs)] IPersistentState<JobCodeRecord> code,
    JobStorageSettings storage,
    UserCodePolicy userCode,
    TimeProvider clock,
    ILogger<TrainingJobGrain> logger) : Grain, ITrainingJobGrain, ITrainingJobCallbacks
{
    private static readonly TimeSpan WorkerStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CancelStopTimeout = TimeSpan.FromSeconds(10);
    private TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, WorkerOutcome> outcomes = [];
    private readonly TelemetryHistory telemetry = new();

    private string JobId => this.GetPrimaryKeyString();

    private JobRecord Job => record.State;

    public async Task<JobProgress> SubmitAsync(JobSubmission submission)
    {
        try
        {
            return await StartAsync(submission);
        }
        catch (OrleansException e)
        {
            // A silo of the cluster is unreachable (storage or placement went to it): say so in one line.
            var error = $"the cluster could not start the job: {Text.FirstLine(e)}";
            logger.LogWarning("Job {Job}: {Error}", JobId, error);
            return Refused(error, FailureKind.Internal);
        }
    }

    private async Task<JobProgress> StartAsync(JobSubmission submission)
    {
        if (Job.State != JobState.None && !(submission.Resume && Job.State.IsTerminal()))
        {
            return Progress() with { Error = $"job {JobId} already exists ({Job.State.Label()})", FailureKind = FailureKind.BadInput };
        }

        if (SubmissionPolicy.RefuseJobId(JobId) is { } badId)
        {
            return Refused(badId);
        }

        JobSpec spec;
        try
        {
            var document = JobSpecDocument.Parse(submission.SpecYaml);
            spec = document.Validate();
            if (storage.DataRoot is { } root && SubmissionPolicy.RefusePaths(document, root, submission.Code is { Length: > 0 }) is { } outside)
            {
                return Refused(outside);
            }
        }
        catch (SpecException e)
        {
            return Refused(e.Message);
        }

        var checkpointDir = storage.CheckpointDirFor(JobId, spec.Checkpoint.Dir);
        string? resumeFrom = null;
        if (submission.Resume)
        {
            resumeFrom = new CheckpointDirectory(checkpointDir).Latest(CheckpointFile.Verify)?.File;
            if (resumeFrom is null)
            {
                return Refused($"no usable checkpoint to resume from in {checkpointDir}");
            }
        }

        if (spec.Model.IsUserCode && await KeepCodeAsync(spec, submission, checkpointDir) is { } refusal)
        {
            return Refused(refusal);
        }

        ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IReadOnlyList<SiloAddress> layout;
        try
        {
            var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            layout = RankLayout.Assign(hosts.Keys, spec.Workers, spec.Placement.RanksPerSilo);
        }
        catch (PlacementException e)
        {
            return Refused(e.Message);
        }

        var generation = Job.Generation + 1;
        record.State = new JobRecord
        {
            SpecYaml = submission.SpecYaml,
            Workers = spec.Workers,
            CheckpointDir = checkpointDir,
            State = JobState.Running,
            Generation = generation,
            Silos = [.. layout.Select(s => s.ToParsableString())],
        };
        await record.WriteStateAsync();
        DelayDeactivation(TimeSpan.FromDays(7));
        logger.LogInformation("Job {Job} starting {Workers} worker(s)", JobId, spec.Workers);
        await StartRanksAsync(spec.Workers, layout, resumeFrom);
        return Progress();
    }

    /// <summary>Starts every rank of the current generation on <paramref name="layout"/>; fails the job if they do not all start.</summary>
    private async Task StartRanksAsync(int workers, IReadOnlyList<SiloAddress> layout, string? resumeFrom)
    {
        outcomes.Clear();
        Watch(workers);
        JobCodeFile[]? shipped = code.State.Files.Count > 0 ? [.. code.State.Files] : null;
        var starts = new List<Task>();

        // One secret per start of the ranks: a link of an earlier start (or a guess) cannot prove it.
        var secret = LinkHandshake.NewSecret();
        for (var rank = 0; rank < workers; rank++)
        {
            var sharing = layout.Take(workers).Count(s => s.Endpoint.Address.Equals(layout[rank].Endpoint.Address));
            var assignment = new WorkerAssignment(JobId, Job.SpecYaml, rank, workers, Job.CheckpointDir, resumeFrom, Job.Generation, shipped, sharing, secret);
            var worker = Worker(rank);
            starts.Add(RankPlacementHint.On(layout[rank], () => worker.StartAsync(assignment)));
        }

        try
        {
            await Task.WhenAll(starts).WaitAsync(WorkerStartTimeout);
        }
        catch (Exception e)
        {
            // A silo that is listed as active but does not answer must not leave the job hanging.
            var error = $"could not start all {workers} ranks on silos {string.Join(", ", Job.Silos)} within {WorkerStartTimeout.TotalSeconds:0} s: {Text.FirstLine(e)}";
            logger.LogWarning("Job {Job}: {Error}", JobId, error);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(rank => StopQuietlyAsync(Worker(rank))));
            await FinishAsync(JobState.Failed, error, FailureKind.Internal, null);
        }
    }

    public Task<JobProgress> GetProgressAsync() => Task.FromResult(Progress());

    public async Task<JobProgress> WaitAsync(TimeSpan maxWait)
    {
        if (!Job.State.IsTerminal() && Job.State != JobState.None)
        {
            await Task.WhenAny(ended.Task, Task.Delay(maxWait));
        }

        return Progress();
    }

    public Task<JobSummary?> GetSummaryAsync() => Task.FromResult(Job.Summary);

    public Task<ImmutableArray<AuditRecord>> GetAuditAsync() => Task.FromResult<ImmutableArray<AuditRecord>>([.. Job.Audit]);

    public Task<TelemetrySeries> GetTelemetryAsync(int maxPoints)
    {
        if (telemetry.Count == 0 && Job.Telemetry is { } saved)
        {
            telemetry.Add(saved);
        }

        return Task.FromResult(telemetry.ToSeries(maxPoints));
    }

    public async Task CancelAsync()
    {
        if (Job.State.IsTerminal() || Job.State == JobState.None)
        {
            return;
        }

        // A restart waiting for silos stops waiting; a rank whose silo is gone cannot answer and must not hold the cancel up.
        EndRestart();
        await ForEachWorker(w => StopQuietlyAsync(w, CancelStopTimeout));
        await FinishAsync(JobState.Cancelled, null, FailureKind.None, null);
    }

    public async Task PauseAsync()
    {
        if (Job.State == JobState.Running)
        {
            // During a restart there are no ranks to pause: the restart starts the new ones paused.
            if (restarting is null)
            {
                await ForEachWorker(w => w.PauseAsync());
            }

            Job.State = JobState.Paused;
            await record.WriteStateAsync();
        }
    }

    public async Task ResumeAsync()
    {
        if (Job.State == JobState.Paused)
        {
            if (restarting is null)
            {
                await ForEachWorker(w => w.ResumeAsync());
            }

            Job.State = JobState.Running;
            await record.WriteStateAsync();
        }
    }

    private async Task FinishAsync(JobState state, string? error, FailureKind kind, WorkerOutcome? outcome)
    {
        Job.State = state;
        Job.Error = error;
        Job.FailureKind = kind;
        Job.Summary = SummaryBuilder.From(JobId, Job, outcome, outcomes.Values);
        Job.Telemetry = telemetry.Count > 0 ? telemetry.ToSeries() : Job.Telemetry;
        await record.WriteStateAsync();
        logger.LogInformation("Job {Job} {State}", JobId, state.Label());
        ended.TrySetResult();
    }

    private JobProgress Progress()
    {
        var r = Job.Progress;
        return new JobProgress(
            JobId, Job.State, r?.Step ?? 0, Job.TotalSteps, r?.Epoch ?? 0, r?.Loss ?? double.NaN,
            r?.SamplesPerSecond ?? 0, Job.Workers, Job.Error, Job.FailureKind);
    }

    /// <summary>Stops a rank that may never answer: its failure is already the job's error.</summary>
    private static async Task StopQuietlyAsync(IWorkerGrain worker, TimeSpan? timeout = null)
    {
        try
        {
            await worker.CancelAsync().WaitAsync(timeout ?? WorkerStartTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The rank's silo is gone or stuck; there is nothing left to stop.
        }
    }

    /// <summary>A submission that did not start; the existing record (if any) is left as it was.</summary>
    private JobProgress Refused(string error, FailureKind kind = FailureKind.BadInput) =>
        Progress() with { State = JobState.Failed, Error = error, FailureKind = kind };


    private IWorkerGrain Worker(int rank) => GrainFactory.GetGrain<IWorkerGrain>(IWorkerGrain.KeyFor(JobId, Job.Generation, rank));

    private Task ForEachWorker(Func<IWorkerGrain, Task> action) =>
        Task.WhenAll(Enumerable.Range(0, Job.Workers).Select(rank => action(Worker(rank))));
}
