using Microsoft.Extensions.Logging;
using Platform.Grains.Collectives;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Workers;
using Platform.Grains.Jobs;
using Platform.Grains.Telemetry;
using Platform.Spec;
using Platform.Training.Engine;
using Platform.Training.Health;
using Platform.Training.Models.UserCode;

namespace Platform.Grains.Workers;

/// <summary>
/// A rank's step loop on a dedicated thread. It checks for pause and cancel at every step boundary,
/// writes checkpoints on rank 0, reports progress a few times a second, and tells the job how it ended.
/// </summary>
internal sealed partial class WorkerLoop(
    WorkerAssignment assignment,
    IGrainFactory grains,
    ChunkMailbox mailbox,
    TensorTransportService tcp,
    TrainingInstruments instruments,
    ILogger logger,
    TimeProvider clock)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DeliveryPatience = TimeSpan.FromSeconds(60);
    private readonly ITrainingJobCallbacks job = grains.GetGrain<ITrainingJobCallbacks>(assignment.JobId);
    private readonly CancellationTokenSource cancel = new();
    private readonly ManualResetEventSlim running = new(initialState: true);
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool drainRequested;
    private volatile bool pauseRequested;
    private readonly TelemetryHistory unreported = new();
    private readonly List<AuditRecord> unreportedHealth = [];
    private RingAllReduce? reducer;

    /// <summary>Why this silo refuses user code (null: it runs it); checked here too, since ranks may land on silos other than the coordinator's.</summary>
    public string? UserCodeRefusal { get; init; }

    /// <summary>This silo's device (<c>platform silo --device</c>), for a job that names none.</summary>
    public string Device { get; init; } = "cpu";

    private long trainTicks;
    private long samplesThisRun;

    public void Start()
    {
        // The loop is not part of any grain turn: carrying the grain's execution context onto its
        // thread made calls from it slower and steps measurably slower (bench overhead 1.15 -> 1.0).
        using (ExecutionContext.SuppressFlow())
        {
            new Thread(Run) { IsBackground = true, Name = $"worker {IWorkerGrain.KeyFor(assignment.JobId, assignment.Generation, assignment.Rank)}" }.Start();
        }
    }

    public void Cancel()
    {
        cancel.Cancel();
        mailbox.Abort(new OperationCanceledException("the job was cancelled"));

        // A rank blocked on a socket read wakes only when its links close.
        Volatile.Read(ref reducer)?.Dispose();
    }

    /// <summary>
    /// The silo is shutting down: ask, in the next step's collective, that every rank stop after that
    /// step; rank 0 then checkpoints it, and the job moves the ranks with no step lost.
    /// </summary>
    public void Drain() => drainRequested = true;

    /// <summary>Asks, in the next step's collective, that every rank pause after that step (one boundary for all).</summary>
    public void Pause() => pauseRequested = true;

    public void Resume()
    {
        pauseRequested = false;
        running.Set();
    }

    /// <summary>Completes when the loop has stopped stepping and writing checkpoints.</summary>
    public Task Stopped => stopped.Task;

    /// <summary>Completes when the job has been told how this rank ended (or telling it was given up).</summary>
    public Task Reported => reported.Task;

    public string JobId => assignment.JobId;

    private void Run()
    {
        Func<Task> report;
        try
        {
            report = TrainToEnd();
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            // Cancelled while setting up (loading data, connecting the ring): not a failure.
            report = () => job.WorkerCancelledAsync(assignment.Rank, 0);
        }
        catch (Exception e) when (RankFailure.Of(e) == FailureKind.BadInput)
        {
            report = () => job.WorkerFailedAsync(assignment.Rank, e.Message, FailureKind.BadInput, assignment.Generation);
        }
        catch (Exception e) when (RankFailure.Of(e) == FailureKind.Training)
        {
            // The job failed on its own terms (the loss went NaN, or the policy stopped it): say so, with the audit so far.
            var records = TakeUnreportedHealth();
            report = async () =>
            {
                await job.ReportAsync(HealthOnly(records));
                await job.WorkerFailedAsync(assignment.Rank, e.Message, FailureKind.Training, assignment.Generation);
            };
        }
        catch (Exception e)
        {
            logger.LogError(e, "Worker {Job}/{Rank} failed", assignment.JobId, assignment.Rank);
            report = () => job.WorkerFailedAsync(assignment.Rank, $"{e.GetType().Name}: {e.Message}", FailureKind.Internal, assignment.Generation);
        }

        // Signal "stopped" before telling the job, which may be waiting for exactly that.
        instruments.End(assignment.JobId);
        stopped.TrySetResult();
        Deliver(report);
        reported.TrySetResult();
    }

    /// <summary>
    /// Tells the job how this rank ended. The job's coordinator may be moving (its silo died and it
    /// reactivates elsewhere once membership drops that silo), so failed deliveries are retried for a
    /// while; an exception must never escape this thread, which would end the whole silo process.
    /// </summary>
    private void Deliver(Func<Task> report)
    {
        var started = clock.GetTimestamp();
        while (true)
        {
            try
            {
                Wait(report());
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && clock.GetElapsedTime(started) < DeliveryPatience)
            {
                logger.LogWarning("Worker {Job}/{Rank}: the job did not take the report yet ({Error}); retrying", assignment.JobId, assignment.Rank, Text.FirstLine(e));
                Thread.Sleep(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Worker {Job}/{Rank}: could not tell the job how this rank ended", assignment.JobId, assignment.Rank);
                return;
            }
        }
    }

    private Func<Task> TrainToEnd()
    {
        var spec = JobSpecDocument.Parse(assignment.SpecYaml).Validate();
        // Ranks on one machine share its cores: one rank per core would oversubscribe it with torch threads.
        var threads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, assignment.RanksOnMachine));
        using var session = new TrainingSession(spec, assignment.Rank, assignment.WorldSize, ShippedCode(spec), threads, Device);
        if (assignment.ResumeFrom is not null)
        {
            session.RestoreCheckpoint(assignment.ResumeFrom);
        }

        using var ring = Reducer(spec);
        Volatile.Write(ref reducer, ring);
        Describe(session, ring);
        var end = Train(session, spec, ring);
        var step = session.Step;
        if (assignment.Rank == 0)
        {
            // Repeats the monitor folded and had not yet written: the last report before the rank ends carries them.
            Audit(session.FinishHealth());
            if (TakeUnreportedHealth() is { IsEmpty: false } last)
            {
                Wait(job.ReportAsync(HealthOnly(last)));
            }
        }

        if (end == LoopEnd.Cancelled)
        {
            return () => job.WorkerCancelledAsync(assignment.Rank, step);
        }

        if (end == LoopEnd.Drained)
        {
            logger.LogWarning("Job {Job} rank {Rank}: stopped after step {Step} for a draining silo", assignment.JobId, assignment.Rank, step);
            return () => job.WorkerDrainedAsync(assignment.Rank, step, assignment.Generation);
        }

        var outcome = Outcome(session);
        return () => job.WorkerCompletedAsync(outcome);
    }

    private ModelCode? ShippedCode(JobSpec spec)
    {
        if (!spec.Model.IsUserCode)
        {
            return null;
        }

        if (UserCodeRefusal is { } refusal)
        {
            throw new SpecException("model.kind", refusal);
        }

        return JobCode.Verified(assignment.Code ?? []);
    }

    private enum LoopEnd
    {
        Finished,
        Cancelled,
        Drained,
    }

    /// <summary>Logs the records and keeps them for the job's next report.</summary>
    private void Audit(IEnumerable<HealthRecord> records)
    {
        foreach (var r in records)
        {
            var remedy = r.Kind == HealthRecordKind.Remedy;
            logger.LogInformation(
                "Job {Job} step {Step}: {Kind} {Name} {Layers} value {Value:G3} threshold {Threshold:G3} {Detail}",
                assignment.JobId, r.Step, remedy ? "remedy" : "finding", r.Name, string.Join(',', r.Layers), r.Value, r.Threshold, r.Detail);
            unreportedHealth.Add(new AuditRecord(r.Step, r.Name, r.Detail, [.. r.Layers], r.Value, r.Threshold, remedy));
        }
    }

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
