using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Platform.Training.Parallel;

/// <summary>
/// Averages the gradients bucket by bucket while backward goes on, as DDP does: when the
/// <see cref="BackwardSignals"/> say that every parameter of the next bucket has its gradient, the
/// step thread copies them into the flat buffer and a communication thread of the session's own
/// starts that bucket's allreduce. Buckets go in a fixed order on every rank, so the ranks' exchanges
/// meet. The extra values (loss, activation figures, stop and pause requests) lead the buffer, so they
/// ride with the first parameters' bucket, which goes last, once backward has returned.
/// </summary>
internal sealed class BucketedExchange : IDisposable
{
    private readonly GradientBuffer buffer;
    private readonly BackwardSignals signals;
    private readonly IReadOnlyList<GradientBucket> buckets;
    private readonly bool[] ready;
    private readonly BlockingCollection<(int Start, int Count, int Slot)> work = new();
    private readonly Thread thread;
    private readonly SemaphoreSlim done = new(0);
    private IGradientReducer? reducer;
    private int step;
    private int launched;
    private long bytes;
    private Exception? failure;

    public BucketedExchange(GradientBuffer buffer, BackwardSignals signals, int bucketValues)
    {
        (this.buffer, this.signals) = (buffer, signals);
        // Bucket starts are within the gradients; the bucket of the first parameter takes the extras too.
        buckets = [.. GradientBuckets.Of(buffer.Sizes, bucketValues).Select(b => b.First == 0
            ? b with { Start = 0, Count = b.Count + buffer.Extras }
            : b with { Start = b.Start + buffer.Extras })];
        ready = new bool[buffer.Sizes.Count];
        signals.ModuleDone = ModuleDone;
        thread = new Thread(Exchange) { IsBackground = true, Name = "gradient buckets" };
        thread.Start();
    }

    /// <summary>Starts a step: buckets launch from backward unless <paramref name="overlap"/> is false (then all at <see cref="Finish"/>).</summary>
    public void Begin(IGradientReducer stepReducer, int stepNumber, bool overlap)
    {
        (reducer, step, launched, bytes, failure) = (stepReducer, stepNumber, 0, 0, null);
        Array.Clear(ready);
        if (overlap)
        {
            signals.Arm();
        }
    }

    /// <summary>
    /// After backward: launches what is left (gradients the signals did not announce, then the extra
    /// values) and waits for every exchange of the step; returns the bytes this rank sent.
    /// </summary>
    public long Finish(ReadOnlySpan<float> extras)
    {
        signals.Disarm();
        buffer.SetExtras(extras);
        Array.Fill(ready, true);
        LaunchReady(finishing: true);
        for (var i = 0; i < buckets.Count; i++)
        {
            done.Wait();
        }

        if (failure is { } e)
        {
            ExceptionDispatchInfo.Throw(e);
        }

        return Interlocked.Read(ref bytes);
    }

    public void Dispose()
    {
        work.CompleteAdding();
        thread.Join(TimeSpan.FromSeconds(5));
        signals.ModuleDone = null;
        signals.Dispose();
    }

    private void ModuleDone(int module)
    {
        foreach (var p in signals.Modules[module])
        {
            ready[p] = true;
        }

        LaunchReady(finishing: false);
    }

    /// <summary>Launches the next buckets whose gradients are all there; the one with the extras only when finishing, once they are known.</summary>
    private void LaunchReady(bool finishing)
    {
        while (launched < buckets.Count && Complete(buckets[launched]) && (finishing || buckets[launched].First != 0))
        {
            var b = buckets[launched];
            for (var p = b.First; p <= b.Last; p++)
            {
                buffer.CopyIn(p);
            }

            work.Add((b.Start, b.Count, launched));
            launched++;
        }
    }

    private bool Complete(GradientBucket b)
    {
        for (var p = b.First; p <= b.Last; p++)
        {
            if (!ready[p])
            {
                return false;
            }
        }

        return true;
    }

    private void Exchange()
    {
        foreach (var (start, count, slot) in work.GetConsumingEnumerable())
        {
            try
            {
                // Once one exchange failed, the ring is broken: the rest only count down.
                if (failure is null)
                {
                    Interlocked.Add(ref bytes, reducer!.AverageInPlace(buffer.Values, start, count, step, slot));
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Release();
            }
        }
    }
}
