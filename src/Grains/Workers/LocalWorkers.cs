using System.Collections.Concurrent;

namespace Platform.Grains.Workers;

/// <summary>The step loops running on this silo, so that a silo shutting down can drain them.</summary>
public sealed class LocalWorkers
{
    private readonly ConcurrentDictionary<WorkerLoop, byte> loops = new();

    internal void Add(WorkerLoop loop)
    {
        loops[loop] = 0;
        _ = loop.Reported.ContinueWith(_ => loops.TryRemove(loop, out byte _), TaskScheduler.Default);
    }

    internal IReadOnlyList<WorkerLoop> Running => [.. loops.Keys.Where(l => !l.Stopped.IsCompleted)];
}
