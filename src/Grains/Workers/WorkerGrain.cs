using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Workers;

namespace Platform.Grains.Workers;

/// <summary>One rank: hosts the step loop on a thread of its own and forwards control to it.</summary>
public sealed class WorkerGrain(ILogger<WorkerGrain> logger, TimeProvider clock) : Grain, IWorkerGrain
{
    private WorkerLoop? loop;

    public Task StartAsync(WorkerAssignment assignment)
    {
        if (loop is not null)
        {
            throw new InvalidOperationException($"worker {this.GetPrimaryKeyString()} is already running");
        }

        // The loop runs off the grain scheduler; keep the activation for as long as the job may take.
        DelayDeactivation(TimeSpan.FromDays(7));
        var job = GrainFactory.GetGrain<ITrainingJobGrain>(assignment.JobId);
        loop = new WorkerLoop(assignment, job, logger, clock);
        loop.Start();
        return Task.CompletedTask;
    }

    public Task CancelAsync()
    {
        loop?.Cancel();
        return Task.CompletedTask;
    }

    public Task PauseAsync()
    {
        loop?.Pause();
        return Task.CompletedTask;
    }

    public Task ResumeAsync()
    {
        loop?.Resume();
        return Task.CompletedTask;
    }
}
