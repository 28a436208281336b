using System.Diagnostics;

namespace Platform.Training.Engine;

/// <summary>The parts of a step whose time <see cref="StepPhases"/> keeps apart.</summary>
public enum StepPhase
{
    Data,
    Forward,
    Backward,
    CopyIn,
    Allreduce,
    CopyOut,
    Statistics,
    Health,
    Optimizer,
    Reporting,
}

/// <summary>
/// Where a rank's milliseconds go, step by step: each phase's time of the latest steps (at most
/// <see cref="Kept"/>), and their medians. One timestamp per phase boundary, so measuring costs
/// about as much as reading a clock.
/// </summary>
public sealed class StepPhases
{
    /// <summary>How many of the latest steps the medians are taken over.</summary>
    public const int Kept = 4096;

    private static readonly StepPhase[] All = Enum.GetValues<StepPhase>();
    private readonly long[] current = new long[All.Length];
    // One row per kept step, written round-robin: closing a step moves no memory.
    private readonly float[][] steps = [.. All.Select(_ => new float[Kept])];
    private int recorded;
    private long last = Stopwatch.GetTimestamp();

    /// <summary>Snake-case names, as summaries and benchmarks write them (<c>copy_in</c>).</summary>
    public static string Name(StepPhase phase) => string.Concat(phase.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"_{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    /// <summary>Starts timing from now, e.g. at the start of a step.</summary>
    public void Restart() => last = Stopwatch.GetTimestamp();

    /// <summary>The time since the previous mark (or restart) belongs to <paramref name="phase"/>.</summary>
    public void Mark(StepPhase phase)
    {
        var now = Stopwatch.GetTimestamp();
        current[(int)phase] += now - last;
        last = now;
    }

    /// <summary>Closes the step: its phases join the kept steps.</summary>
    public void EndStep()
    {
        for (var i = 0; i < current.Length; i++)
        {
            steps[i][recorded % Kept] = (float)(current[i] * 1000.0 / Stopwatch.Frequency);
            current[i] = 0;
        }

        recorded++;
    }

    /// <summary>Median milliseconds per phase over the kept steps; empty before the first step.</summary>
    public IReadOnlyDictionary<string, double> MedianMs()
    {
        var medians = new Dictionary<string, double>();
        var count = Math.Min(recorded, Kept);
        foreach (var phase in All.Where(_ => count > 0))
        {
            medians[Name(phase)] = Platform.Spec.Text.Median(steps[(int)phase][..count].Select(v => (double)v));
        }

        return medians;
    }
}
