using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Interfaces.Telemetry;

namespace Platform.Grains.Jobs;

/// <summary>A job's persisted state: spec, lifecycle, progress, checkpoint index and result.</summary>
[GenerateSerializer]
public sealed class JobRecord
{
    /// <summary>The most audit records a job keeps (repeats are already folded by the health monitor).</summary>
    public const int MaxAudit = 5000;

    [Id(0)] public string SpecYaml { get; set; } = "";

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public int Workers { get; set; }

    [Id(3)] public int TotalSteps { get; set; }

    [Id(4)] public string CheckpointDir { get; set; } = "";

    /// <summary>The last checkpoint rank 0 wrote; the checkpoint folder's manifest is the index of all of them.</summary>
    [Id(18)] public CheckpointRecord? LastCheckpoint { get; set; }

    [Id(6)] public string? Error { get; set; }

    [Id(7)] public FailureKind FailureKind { get; set; }

    [Id(8)] public JobSummary? Summary { get; set; }

    /// <summary>Rank 0's latest progress: a few figures, not the report it came in (which carries telemetry).</summary>
    [Id(19)] public JobProgressSnapshot? Progress { get; set; }

    /// <summary>How many times the job has been started; messages of earlier runs are ignored.</summary>
    [Id(10)] public int Generation { get; set; }

    /// <summary>The silo hosting each rank, in rank order.</summary>
    [Id(11)] public List<string> Silos { get; set; } = [];

    /// <summary>Health findings and remedies, in step order; at most <see cref="MaxAudit"/>, the oldest findings dropped first.</summary>
    [Id(13)] public List<AuditRecord> Audit { get; set; } = [];

    /// <summary>How many audit records were dropped to keep the audit within <see cref="MaxAudit"/>.</summary>
    [Id(20)] public int AuditOmitted { get; set; }

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

    /// <summary>Adds to the audit in step order; past <see cref="MaxAudit"/>, drops the oldest findings (then the oldest remedies) and counts them.</summary>
    public void AddAudit(IEnumerable<AuditRecord> records)
    {
        var from = Math.Max(0, Audit.Count - 1);
        Audit.AddRange(records);

        // Folded repeats are written when their cool-down ends, after records of later steps: keep step order (stable).
        if (Enumerable.Range(from, Math.Max(0, Audit.Count - from - 1)).Any(i => Audit[i + 1].Step < Audit[i].Step))
        {
            Audit = [.. Audit.OrderBy(r => r.Step)];
        }

        var over = Audit.Count - MaxAudit;
        if (over <= 0)
        {
            return;
        }

        var findings = Audit.Select((r, i) => (r, i)).Where(x => !x.r.IsRemedy).Take(over).Select(x => x.i).ToHashSet();
        Audit = [.. Audit.Where((_, i) => !findings.Contains(i))];
        if (Audit.Count > MaxAudit)
        {
            Audit.RemoveRange(0, Audit.Count - MaxAudit);
        }

        AuditOmitted += over;
    }

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

/// <summary>Rank 0's latest progress, as the coordinator keeps it.</summary>
[GenerateSerializer]
public sealed record JobProgressSnapshot(
    [property: Id(0)] int Step,
    [property: Id(1)] double Epoch,
    [property: Id(2)] double Loss,
    [property: Id(3)] double SamplesPerSecond);
