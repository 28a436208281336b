using Microsoft.Extensions.Logging;
using Platform.Grains.Collectives;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Workers;
using Platform.Spec;
using Platform.Training.Checkpoints;
using Platform.Training.Engine;

namespace Platform.Grains.Workers;

/// <summary>The rank's step loop: steps until the end, a cancel, a drain or a rollback; checkpoints on rank 0; the ring it reduces over.</summary>
internal sealed partial class WorkerLoop
{
    /// <summary>Runs steps until done, cancelled, or every rank agreed to stop for a draining silo.</summary>
    private LoopEnd Train(TrainingSession session, JobSpec spec, RingAllReduce? reducer)
    {
        var checkpoints = new CheckpointDirectory(assignment.CheckpointDir);
        var started = clock.GetTimestamp();
        var (lastReport, lastSamples) = (started, samplesThisRun);
        while (!session.Finished)
        {
            if (!running.IsSet)
            {
                running.Wait(cancel.Token);
            }

            if (cancel.IsCancellationRequested)
            {
                return LoopEnd.Cancelled;
            }

            Stall(spec, session.Step);
            var stepStart = clock.GetTimestamp();
            StepResult result;
            try
            {
                result = session.RunStep(reducer, drainRequested, pauseRequested);
            }
            catch (Exception) when (cancel.IsCancellationRequested)
            {
                // Cancelling closes the ring's links, so a step in flight may fail in many ways; all mean "stopped".
                return LoopEnd.Cancelled;
            }

            trainTicks += clock.GetTimestamp() - stepStart;
            Audit(result);
            if (result.Health.Stop)
            {
                throw new HealthStopException(result.Health.Reason!);
            }

            if (result.Health.Rollback)
            {
                // Every rank decided the same at the same step; each restores the same checkpoint.
                var good = checkpoints.Latest(CheckpointFile.Verify);
                logger.LogWarning("Job {Job} rank {Rank}: rolling back from step {Step} to {Checkpoint}", assignment.JobId, assignment.Rank, session.Step, good?.File ?? "(none: skipping the batch)");
                session.RollBack(good?.File);
                if (result.StopAgreed)
                {
                    break;
                }

                continue;
            }

            samplesThisRun += (long)result.Samples * session.WorldSize;
            instruments.Record(assignment.JobId, assignment.Rank, session.PublishedLayout, result.Telemetry);
            if (assignment.Rank == 0)
            {
                unreported.Add(result.Telemetry, session.PublishedLayout);
            }

            if (result.PauseAgreed)
            {
                pauseRequested = false;
                running.Reset();
            }

            if (result.Health.Pause)
            {
                running.Reset();
                if (assignment.Rank == 0)
                {
                    _ = job.HealthPausedAsync(result.Health.Reason!);
                }
            }

            if (assignment.Rank == 0 && result.Step % spec.Checkpoint.Interval == 0)
            {
                Checkpoint(session, checkpoints, spec.Checkpoint.Keep);
            }

            if (clock.GetElapsedTime(lastReport) >= ReportEvery || session.Finished || result.Health.Pause || result.PauseAgreed)
            {
                var rate = (samplesThisRun - lastSamples) / clock.GetElapsedTime(lastReport).TotalSeconds;
                Report(new WorkerReport(assignment.Rank, result.Step, session.EpochsDone, result.Loss, rate, session.TotalSteps) { Generation = assignment.Generation });
                (lastReport, lastSamples) = (clock.GetTimestamp(), samplesThisRun);
            }

            if (result.StopAgreed)
            {
                break;
            }
        }

        if (assignment.Rank == 0 && session.Step % spec.Checkpoint.Interval != 0)
        {
            Checkpoint(session, checkpoints, spec.Checkpoint.Keep);
        }

        return session.Finished ? LoopEnd.Finished : LoopEnd.Drained;
    }

    /// <summary>A <c>stall</c> fault: hang before this step, as a stuck device would (a run resumed from a checkpoint does not hang again).</summary>
    private void Stall(JobSpec spec, int step)
    {
        if (assignment.ResumeFrom is null && spec.Faults.FirstOrDefault(f => f.IsStall && f.Hits(step, assignment.Rank)) is { } stall)
        {
            logger.LogWarning("Job {Job} rank {Rank}: stalling {Seconds} s before step {Step} (fault injected)", assignment.JobId, assignment.Rank, stall.Seconds, step);
            cancel.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(stall.Seconds));
        }
    }

    private RingAllReduce? Reducer(JobSpec spec)
    {
        if (assignment.WorldSize == 1)
        {
            return null;
        }

        var position = new RingPosition(assignment.JobId, assignment.Rank, assignment.WorldSize, assignment.Generation, Convert.FromHexString(assignment.LinkSecret));
        return RingBuilder.Build(
            position,
            spec.Allreduce.Transport,
            new WireCodec(spec.Allreduce.Compression),
            spec.Allreduce.ChunkKb,
            spec.Allreduce.SharedMemory,
            TimeSpan.FromSeconds(spec.Recovery.StepTimeoutSeconds),
            grains.GetGrain<IWorkerGrain>(IWorkerGrain.KeyFor(assignment.JobId, assignment.Generation, position.Next)),
            mailbox,
            tcp,
            cancel.Token);
    }

    /// <summary>Says in the job's log how rank 0 trains: its torch threads and the allreduce's transport (and why, when auto fell back).</summary>
    private void Describe(TrainingSession session, RingAllReduce? ring)
    {
        if (ring?.Fallback is { } why)
        {
            logger.LogWarning("Job {Job} rank {Rank}: allreduce over Orleans messages, not direct TCP links: {Reason}", assignment.JobId, assignment.Rank, why);
        }

        if (assignment.Rank == 0)
        {
            logger.LogInformation(
                "Job {Job}: {World} rank(s), {Threads} torch thread(s) each ({Sharing} rank(s) share this machine's {Cores} cores), allreduce {Transport}",
                assignment.JobId, assignment.WorldSize, session.Threads, assignment.RanksOnMachine, Environment.ProcessorCount, ring?.Transport ?? "none (one rank)");
        }
    }

    private void Checkpoint(TrainingSession session, CheckpointDirectory checkpoints, int keep)
    {
        var file = checkpoints.FileFor(session.Step);
        var sha = session.SaveCheckpoint(file);
        checkpoints.Add(new CheckpointEntry(session.Step, Path.GetFileName(file), sha), keep);
        _ = job.CheckpointWrittenAsync(new CheckpointRecord(session.Step, file, sha));
    }
}
