using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Workers;

namespace Platform.Grains.Workers;

/// <summary>One rank: hosts the step loop on a thread of its own and forwards control to it.</summary>
public sealed class WorkerGrain(ILogger<WorkerGrain> logger, TimeProvider clock) : Grain, IWorkerGrain
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private WorkerLoop? loop;

    public async Task StartAsync(WorkerAssignment assignment)
    {
        // A restart (resume after cancel) must not overlap the previous loop.
        await StopAsync();

        // The loop runs off the grain scheduler; keep the activation for as long as the job may take.
        DelayDeactivation(TimeSpan.FromDays(7));
        var job = GrainFactory.GetGrain<ITrainingJobGrain>(assignment.JobId);
        loop = new WorkerLoop(assignment, job, logger, clock);
        loop.Start();
    }

    public Task CancelAsync() => StopAsync();

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

    /// <summary>Cancels the loop and waits until it has stopped stepping.</summary>
    private async Task StopAsync()
    {
        if (loop is not null)
        {
            loop.Cancel();
            await loop.Stopped.WaitAsync(StopTimeout);
        }
    }
}
