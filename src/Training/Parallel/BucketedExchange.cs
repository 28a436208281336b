using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Platform.Training.Parallel;

/// <summary>
/// Averages the gradients bucket by bucket while backward goes on, as DDP does: when the
/// <see cref="BackwardSignals"/> say that every parameter of the next bucket has its gradient, the
/// step thread copies them into the flat buffer and a communication thread of the session's own
/// starts that bucket's allreduce. Buckets go in a fixed order on every rank, so the ranks' exchanges
/// meet; the extra values (loss, activation figures, stop and pause requests) go last.
/// </summary>
internal sealed class BucketedExchange : IDisposable
{
    private readonly GradientBuffer buffer;
    private readonly BackwardSignals signals;
    private readonly IReadOnlyList<GradientBucket> buckets;
    private readonly int[] offsets;
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
        buckets = GradientBuckets.Of(buffer.Sizes, bucketValues);
        offsets = new int[buffer.Sizes.Count];
        for (var i = 1; i < offsets.Length; i++)
        {
            offsets[i] = offsets[i - 1] + buffer.Sizes[i - 1];
        }

        ready = new bool[offsets.Length];
        signals.ModuleDone = ModuleDone;
        thread = new Thread(Exchange) { IsBackground = true, Name = "gradient buckets" };
        thread.Start();
    }

    public int Buckets => buckets.Count;

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
        Array.Fill(ready, true);
        LaunchReady();
        buffer.SetExtras(extras);
        work.Add((buffer.GradientLength, buffer.Extras, buckets.Count));
        for (var i = 0; i <= buckets.Count; i++)
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

        LaunchReady();
    }

    private void LaunchReady()
    {
        while (launched < buckets.Count && Complete(buckets[launched]))
        {
            var b = buckets[launched];
            for (var p = b.First; p <= b.Last; p++)
            {
                buffer.CopyIn(p, offsets[p]);
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
