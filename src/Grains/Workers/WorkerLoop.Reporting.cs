using Platform.Grains.Interfaces.Jobs;
using Platform.Training.Engine;

namespace Platform.Grains.Workers;

/// <summary>What a rank tells its job: health records and telemetry in periodic reports, and its final figures.</summary>
internal sealed partial class WorkerLoop
{
    /// <summary>Rank 0 counts every finding and remedy in the metrics, logs and keeps the audit records for the job.</summary>
    private void Audit(StepResult result)
    {
        if (assignment.Rank != 0)
        {
            return;
        }

        instruments.RecordHealth(assignment.JobId, result.Health.Findings, result.Health.Remedies);
        Audit(result.Health.Records);
        if (result.BatchChange is { } change)
        {
            Audit([change]);
        }
    }

    /// <summary>Sends progress; rank 0 adds the telemetry and health records since its last report.</summary>
    private void Report(WorkerReport report)
    {
        if (assignment.Rank == 0)
        {
            instruments.RecordThroughput(assignment.JobId, report.SamplesPerSecond);
            report = report with { Telemetry = unreported.ToSeries(), Health = [.. unreportedHealth] };
            unreported.Clear();
            unreportedHealth.Clear();
        }

        _ = job.ReportAsync(report);
    }

    /// <summary>A report with no steps, carrying only health records (the job takes it as such).</summary>
    private WorkerReport HealthOnly(System.Collections.Immutable.ImmutableArray<AuditRecord> records) =>
        new(assignment.Rank, 0, 0, double.NaN, 0, 0, null, records) { Generation = assignment.Generation };

    private System.Collections.Immutable.ImmutableArray<AuditRecord> TakeUnreportedHealth()
    {
        System.Collections.Immutable.ImmutableArray<AuditRecord> records = [.. unreportedHealth];
        unreportedHealth.Clear();
        return records;
    }

    private WorkerOutcome Outcome(TrainingSession session)
    {
        // Every rank puts the same best weights back, so the test figures and the parameters' norm are the kept model's.
        var kept = session.Finished ? session.KeepBest() : null;
        var eval = session.Evaluate();
        var seconds = TimeSpan.FromTicks(trainTicks * TimeSpan.TicksPerSecond / clock.TimestampFrequency).TotalSeconds;
        var losses = session.Losses;
        var tail = losses.Skip(Math.Max(0, losses.Count - session.BatchesPerEpoch)).ToList();
        return new WorkerOutcome(
            assignment.Rank,
            session.Step,
            session.EpochsDone,
            tail.Count > 0 ? tail.Average(l => (double)l) : double.NaN,
            eval.Accuracy,
            eval.Loss,
            session.ParameterL2(),
            seconds > 0 ? samplesThisRun / seconds : 0,
            seconds,
            [.. losses.Select(l => (double)l)],
            reducer?.Transport,
            session.Threads,
            new Dictionary<string, double>(session.Phases.MedianMs()))
        {
            Generation = assignment.Generation,
            Validations = [.. session.Validations.Select(v => new ValidationPoint(v.Step, v.Loss, v.Accuracy))],
            KeptStep = kept,
            NoiseScale = session.NoiseScale,
            NoiseScaleHistory = [.. session.NoiseScaleHistory.Select(p => new NoiseScalePoint(p.Step, p.Value))],
            BatchSchedule = [new BatchStep(0, session.Batches.Start), .. session.Batches.Changes.Select(c => new BatchStep(c.Step, c.To))],
        };
    }
}
