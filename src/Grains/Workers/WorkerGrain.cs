using Microsoft.Extensions.Logging;
using Platform.Grains.Collectives;
using Platform.Grains.Interfaces.Collectives;
using Platform.Grains.Interfaces.Workers;
using Platform.Grains.Jobs;
using Platform.Grains.Placement;
using Platform.Grains.Telemetry;

namespace Platform.Grains.Workers;

/// <summary>One rank: hosts the step loop on a thread of its own and forwards control to it.</summary>
[RankPlacement]
public sealed class WorkerGrain(ILogger<WorkerGrain> logger, TimeProvider clock, TensorTransportService tcp, TrainingInstruments instruments, LocalWorkers local, UserCodePolicy userCode, SiloDevice device)
    : Grain, IWorkerGrain
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<int, ChunkMailbox> mailboxes = [];
    private WorkerLoop? loop;

    public async Task StartAsync(WorkerAssignment assignment)
    {
        // A restart (resume after cancel) must not overlap the previous loop.
        await StopAsync();

        // The loop runs off the grain scheduler; keep the activation for as long as the job may take.
        DelayDeactivation(TimeSpan.FromDays(7));
        foreach (var old in mailboxes.Keys.Where(g => g < assignment.Generation).ToList())
        {
            mailboxes.Remove(old);
        }

        loop = new WorkerLoop(assignment, GrainFactory, Mailbox(assignment.Generation), tcp, instruments, logger, clock)
        {
            UserCodeRefusal = userCode.Allowed ? null : userCode.RefusalFor(RuntimeIdentity),
            Device = device.Name,
        };
        local.Add(loop);
        loop.Start();
    }

    public Task CancelAsync() => StopAsync();

    public Task PauseAsync()
    {
        loop?.Pause();
        return Task.CompletedTask;
    }

    public Task ReceiveChunkAsync(CollectiveChunk chunk)
    {
        // A neighbour may start its first allreduce before this rank has been started: keep the chunk.
        Mailbox(chunk.Generation).Deliver(chunk);
        return Task.CompletedTask;
    }

    public Task<string> GetTransportEndpointAsync() => Task.FromResult(tcp.Endpoint);

    public Task StopTogetherAsync()
    {
        loop?.Drain();
        return Task.CompletedTask;
    }

    public Task ResumeAsync()
    {
        loop?.Resume();
        return Task.CompletedTask;
    }

    private ChunkMailbox Mailbox(int generation)
    {
        if (!mailboxes.TryGetValue(generation, out var mailbox))
        {
            mailbox = new ChunkMailbox(generation);
            mailboxes[generation] = mailbox;
        }

        return mailbox;
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
