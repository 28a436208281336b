using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Jobs;

namespace Platform.Grains.Tests.Jobs;

public sealed class JobRecordAuditTests
{
    [Fact]
    public void The_audit_stays_within_its_cap_dropping_the_oldest_findings_first_and_counting_them()
    {
        var record = new JobRecord();
        record.AddAudit([new AuditRecord(0, "clip", "the first remedy", IsRemedy: true)]);
        record.AddAudit(Enumerable.Range(1, JobRecord.MaxAudit + 99).Select(s => new AuditRecord(s, "saturation", $"finding {s}")));

        Assert.Equal(JobRecord.MaxAudit, record.Audit.Count);
        Assert.Equal(100, record.AuditOmitted);
        Assert.Equal("the first remedy", record.Audit[0].Detail); // remedies outlive findings
        Assert.Equal("finding 101", record.Audit[1].Detail);
        Assert.Equal(JobRecord.MaxAudit + 99, record.Audit[^1].Step);
    }

    [Fact]
    public void Folded_repeats_written_late_take_their_place_in_step_order()
    {
        var record = new JobRecord();
        record.AddAudit([new AuditRecord(0, "clip", "first", IsRemedy: true), new AuditRecord(25, "clip", "another cause", IsRemedy: true)]);
        record.AddAudit([new AuditRecord(24, "clip", "clip x24 more, steps 1-24", IsRemedy: true), new AuditRecord(30, "spike", "later")]);

        Assert.Equal([0, 24, 25, 30], record.Audit.Select(r => r.Step));
    }
}
