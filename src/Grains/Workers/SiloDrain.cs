using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Workers;

/// <summary>
/// Graceful drain: when the silo stops (SIGTERM, a rolling update), before its grains go, every job
/// with a rank here is told to place nothing here again, and its ranks stop together after their
/// next step; rank 0 checkpoints that step and the job restarts the ranks on the other silos, so no
/// step is lost. Bounded: a rank that does not stop in time is left to the job's recovery.
/// </summary>
public sealed class SiloDrain(LocalWorkers workers, IGrainFactory grains, ILocalSiloDetails silo, ILogger<SiloDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancel)
    {
        var loops = workers.Running;
        if (loops.Count == 0)
        {
            return;
        }

        logger.LogWarning("Silo stopping: draining {Count} rank(s) of job(s) {Jobs}", loops.Count, string.Join(", ", loops.Select(l => l.JobId).Distinct()));
        foreach (var job in loops.Select(l => l.JobId).Distinct())
        {
            try
            {
                await grains.GetGrain<ITrainingJobCallbacks>(job).SiloDrainingAsync(silo.SiloAddress).WaitAsync(TimeSpan.FromSeconds(5), cancel);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException)
            {
                logger.LogWarning("Job {Job}: its coordinator did not take the drain notice ({Error})", job, e.Message);
            }
        }

        foreach (var loop in loops)
        {
            loop.Drain();
        }

        try
        {
            await Task.WhenAll(loops.Select(l => l.Reported)).WaitAsync(DrainTimeout, cancel);
            logger.LogInformation("Silo stopping: {Count} rank(s) drained", loops.Count);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Silo stopping: ranks still running after {Seconds} s; their jobs will recover without them", DrainTimeout.TotalSeconds);
        }
    }
}
