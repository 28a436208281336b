using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Grains.Jobs;

/// <summary>A job's persisted state: spec, lifecycle, progress, checkpoint index and result.</summary>
[GenerateSerializer]
public sealed class JobRecord
{
    [Id(0)] public string SpecYaml { get; set; } = "";

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public int Workers { get; set; }

    [Id(3)] public int TotalSteps { get; set; }

    [Id(4)] public string CheckpointDir { get; set; } = "";

    [Id(5)] public List<CheckpointRecord> Checkpoints { get; set; } = [];

    [Id(6)] public string? Error { get; set; }

    [Id(7)] public FailureKind FailureKind { get; set; }

    [Id(8)] public JobSummary? Summary { get; set; }

    [Id(9)] public WorkerReport? LastReport { get; set; }

    /// <summary>How many times the job has been started; messages of earlier runs are ignored.</summary>
    [Id(10)] public int Generation { get; set; }

    /// <summary>The silo hosting each rank, in rank order.</summary>
    [Id(11)] public List<string> Silos { get; set; } = [];

    /// <summary>Health findings and remedies, in step order.</summary>
    [Id(13)] public List<AuditRecord> Audit { get; set; } = [];

    /// <summary>How many times the job has been rebuilt after losing a rank.</summary>
    [Id(14)] public int Recoveries { get; set; }

    /// <summary>
    /// While a restart is under way: when it began, by the wall clock (the coordinator may finish it
    /// on another machine, whose monotonic clock means nothing here), and the step it restarts from.
    /// </summary>
    [Id(17)] public DateTimeOffset? RecoveryStartedUtc { get; set; }

    [Id(16)] public int RecoveryFromStep { get; set; }

    /// <summary>The telemetry history, saved when the job stops so it can be read after the fact.</summary>
    [Id(12)] public TelemetrySeries? Telemetry { get; set; }

    /// <summary>
    /// The seconds the job stood still, once <paramref name="step"/> is the first step finished after
    /// a restart (and the restart is then over); null otherwise.
    /// </summary>
    public double? RecoveredAt(int step, DateTimeOffset now)
    {
        if (RecoveryStartedUtc is not { } since || step <= RecoveryFromStep)
        {
            return null;
        }

        RecoveryStartedUtc = null;
        return Math.Max(0, (now - since).TotalSeconds);
    }
}
