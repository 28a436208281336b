using System.Collections.Immutable;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Jobs;

/// <summary>Turns rank 0's outcome (or the progress so far, for a job that did not finish) into a summary.</summary>
internal static class SummaryBuilder
{
    public static JobSummary From(string jobId, JobRecord record, WorkerOutcome? outcome, IEnumerable<WorkerOutcome>? ranks = null)
    {
        var report = record.Progress;
        return new JobSummary(
            jobId,
            record.State,
            Epochs: outcome?.Epochs ?? report?.Epoch ?? 0,
            Steps: outcome?.Steps ?? report?.Step ?? 0,
            FinalTrainLoss: outcome?.FinalTrainLoss ?? report?.Loss ?? double.NaN,
            TestAccuracy: outcome?.TestAccuracy ?? double.NaN,
            TestLoss: outcome?.TestLoss ?? double.NaN,
            SamplesPerSecond: outcome?.SamplesPerSecond ?? report?.SamplesPerSecond ?? 0,
            Workers: record.Workers,
            ParameterL2: outcome?.ParameterL2 ?? double.NaN,
            TrainSeconds: outcome?.TrainSeconds ?? 0,
            Findings: [.. record.Audit.Where(a => !a.IsRemedy)],
            Remedies: [.. record.Audit.Where(a => a.IsRemedy)],
            LossHistory: outcome?.LossHistory ?? ImmutableArray<double>.Empty,
            Error: record.Error,
            LastCheckpoint: record.LastCheckpoint?.File,
            Silos: [.. record.Silos],
            RankParameterL2: [.. (ranks ?? []).OrderBy(o => o.Rank).Select(o => o.ParameterL2)],
            Transport: outcome?.Transport,
            Threads: outcome?.Threads ?? 0,
            PhaseMs: outcome?.PhaseMs,
            AuditOmitted: record.AuditOmitted)
        {
            Validations = outcome?.Validations is { IsDefault: false } v ? v : [],
            KeptStep = outcome?.KeptStep,
            GradientNoiseScale = outcome?.NoiseScale,
            GradientNoiseScaleHistory = outcome?.NoiseScaleHistory is { IsDefault: false } n ? n : [],
            Advice = outcome is null ? null : BatchAdvisor.Advise(record.SpecYaml, record.Workers, outcome),
            BatchSchedule = outcome?.BatchSchedule is { IsDefault: false } b ? b : [],
        };
    }
}
