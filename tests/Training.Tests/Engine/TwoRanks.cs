using Platform.Spec;
using Platform.Training.Engine;
using Platform.Training.Parallel;

namespace Platform.Training.Tests.Engine;

/// <summary>
/// Two ranks of one job in this process, each session on a thread of its own (dispose scopes are per
/// thread), averaging their gradients through memory in a fixed order: rank 0 computes
/// (g0 + g1) / 2 and both take it, as a ring of two does.
/// </summary>
internal sealed class TwoRanks
{
    private readonly Barrier barrier = new(2);
    private readonly float[][] slots = new float[2][];

    /// <summary>What a rank ended with: its parameters' L2, its losses, and its session's batch changes.</summary>
    public sealed record Outcome(double ParameterL2, IReadOnlyList<float> Losses, IReadOnlyList<Platform.Training.Data.BatchChange> Changes, IReadOnlyList<StepResult> Steps, int Step, double Epochs);

    /// <summary>
    /// Trains both ranks from <paramref name="resumeFrom"/> (or the start) until <paramref name="stopAfter"/>
    /// steps (or the end); rank 0 then writes <paramref name="saveTo"/>, as the job's rank 0 does.
    /// </summary>
    public static (Outcome Rank0, Outcome Rank1) Train(JobSpec spec, string? resumeFrom = null, int? stopAfter = null, string? saveTo = null)
    {
        var pair = new TwoRanks();
        var outcomes = new Outcome[2];
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                outcomes[rank] = pair.Run(spec, rank, resumeFrom, stopAfter, saveTo);
            }
            catch (Exception e)
            {
                errors[rank] = e;
                pair.barrier.RemoveParticipant();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new InvalidOperationException("a rank failed", error);
        }

        return (outcomes[0], outcomes[1]);
    }

    private Outcome Run(JobSpec spec, int rank, string? resumeFrom, int? stopAfter, string? saveTo)
    {
        using var session = new TrainingSession(spec, rank, 2);
        if (resumeFrom is not null)
        {
            session.RestoreCheckpoint(resumeFrom);
        }

        var reducer = new Rank(this, rank);
        var steps = new List<StepResult>();
        while (!session.Finished && session.Step < (stopAfter ?? int.MaxValue))
        {
            steps.Add(session.RunStep(reducer));
        }

        if (rank == 0 && saveTo is not null)
        {
            session.SaveCheckpoint(saveTo);
        }

        return new Outcome(session.ParameterL2(), [.. session.Losses], [.. session.Batches.Changes], steps, session.Step, session.EpochsDone);
    }

    private sealed class Rank(TwoRanks pair, int rank) : IGradientReducer
    {
        public long AverageInPlace(float[] gradient, int start, int count, int step, int slot)
        {
            pair.slots[rank] = gradient;
            pair.barrier.SignalAndWait();
            if (rank == 0)
            {
                var other = pair.slots[1];
                for (var i = start; i < start + count; i++)
                {
                    var mean = (gradient[i] + other[i]) * 0.5f;
                    (gradient[i], other[i]) = (mean, mean);
                }
            }

            pair.barrier.SignalAndWait();
            return 0;
        }
    }
}
