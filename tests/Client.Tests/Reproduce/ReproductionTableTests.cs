using System.Collections.Immutable;
using Platform.Client.Reproduce;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;

namespace Platform.Client.Tests.Reproduce;

/// <summary>The reproduction table file: what it accepts, what it refuses (naming the row and the key), and how audits are counted.</summary>
public sealed class ReproductionTableTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public void The_seed_table_loads_with_every_spec_it_names()
    {
        var table = ReproductionTable.Load(Path.Combine(Repo.Root, "examples", "seed", "table.yaml"));

        Assert.True(table.Rows.Count >= 20, $"{table.Rows.Count} rows");
        Assert.All(table.Rows, r => Assert.True(File.Exists(r.Spec), r.Spec));
        Assert.Contains(table.Rows, r => r.Label == "LSTM, T = 100");
        Assert.Equal("lstm-t-100", table.Rows.Single(r => r.Label == "LSTM, T = 100").Slug);

        // Every row's overrides make a valid spec (reproduce checks them all before training the first).
        Assert.All(table.Rows, r => r.Document(work).Validate());
    }

    [Theory]
    [InlineData("rows: []", "needs 'rows'")]
    [InlineData("rows:\n  - {group: g, row: r, spec: a.yaml, sets: []}", "rows[0].sets: unknown key")]
    [InlineData("rows:\n  - {group: g, spec: a.yaml}", "rows[0].row: required")]
    [InlineData("rows:\n  - {group: g, row: r, spec: missing.yaml}", "rows[0].spec: file not found")]
    [InlineData("rows:\n  - {group: g, row: r, spec: a.yaml, set: x=1}", "rows[0].set: must be a list")]
    [InlineData("rows:\n  - {group: g, row: 'a b', spec: a.yaml}\n  - {group: h, row: 'a-b', spec: a.yaml}", "two rows named 'a b'")]
    [InlineData("rows: [", "malformed YAML")]
    public void A_bad_table_is_refused_naming_the_row_and_key(string yaml, string message)
    {
        File.WriteAllText(Path.Combine(work, "a.yaml"), "model: {kind: mlp}\n");
        var file = Path.Combine(work, "table.yaml");
        File.WriteAllText(file, yaml);

        var e = Assert.Throws<UsageException>(() => ReproductionTable.Load(file));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_counts_include_the_repeats_an_episode_folds()
    {
        var records = new[]
        {
            new AuditRecord(10, "spike", ""),
            new AuditRecord(40, "spike", "spike x3 more, steps 12-40 (largest value 2.1)"),
            new AuditRecord(50, "vanishing", "", ImmutableArray.Create("layers.0.weight")),
        };

        Assert.Equal("spike 4, vanishing 1", ReproductionReport.Counts(records));
    }
}
