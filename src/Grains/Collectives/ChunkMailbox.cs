using System.Collections.Concurrent;
using Platform.Grains.Interfaces.Collectives;

namespace Platform.Grains.Collectives;

/// <summary>
/// Where a rank's incoming allreduce chunks wait for its step thread. A chunk may arrive before
/// the step thread asks for it, or after; either way the two meet on one completion source.
/// </summary>
internal sealed class ChunkMailbox(int generation)
{
    private readonly ConcurrentDictionary<(int Step, int Phase, int Chunk), TaskCompletionSource<byte[]>> slots = new();

    public void Deliver(CollectiveChunk chunk)
    {
        if (chunk.Generation == generation)
        {
            Slot(chunk.Step, chunk.Phase, chunk.Chunk).TrySetResult(chunk.Payload);
        }
    }

    /// <summary>Waits for a chunk and forgets it; throws <see cref="TimeoutException"/> past the deadline.</summary>
    public byte[] Take(int step, int phase, int chunk, TimeSpan timeout, CancellationToken cancel)
    {
        var slot = Slot(step, phase, chunk);
        try
        {
            return slot.Task.WaitAsync(timeout, cancel).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no allreduce data from the previous rank for step {step} within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            slots.TryRemove((step, phase, chunk), out _);
        }
    }

    /// <summary>Fails every waiting step thread, e.g. when the job is cancelled.</summary>
    public void Abort(Exception reason)
    {
        foreach (var slot in slots.Values)
        {
            slot.TrySetException(reason);
        }
    }

    private TaskCompletionSource<byte[]> Slot(int step, int phase, int chunk) =>
        slots.GetOrAdd((step, phase, chunk), _ => new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));
}
