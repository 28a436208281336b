using System.Diagnostics;
using Platform.Client.Jobs;
using Platform.Client.Reports;
using Platform.Client.Reproduce;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;
using Platform.Spec;

namespace Platform.Client.Commands;

/// <summary>
/// <c>platform reproduce [--table FILE] [--out DIR] [--only TEXT]...</c>: trains every row of a
/// reproduction table (by default the seed's, <c>examples/seed/table.yaml</c>) one after another and
/// writes <c>DIR/table.md</c>, with each row's summary and gradient-norm picture beside it.
/// </summary>
internal static class ReproduceCommand
{
    public const string DefaultTable = "examples/seed/table.yaml";

    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var table = ReproductionTable.Load(reader.Value("table") ?? DefaultTable);
        var outDir = Path.GetFullPath(reader.Value("out") ?? "reproduce");
        var only = reader.All("only").ToList();
        var gateways = ClusterAddress.From(reader);
        reader.Done(maxPositionals: 0);

        var rows = table.Rows.Where(r => only.Count == 0 || only.Any(o => r.Label.Contains(o, StringComparison.OrdinalIgnoreCase) || r.Group.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();
        if (rows.Count == 0)
        {
            throw new UsageException($"--only {string.Join(", ", only)}: no row of {table.File} has that in its label or group");
        }

        // Every row's spec is checked before the first one trains: a typo in row 20 must not cost the 19 before it.
        var checkpoints = Path.Combine(outDir, "checkpoints");
        var requests = rows.Select(r => Request(r, checkpoints)).ToList();
        Directory.CreateDirectory(outDir);

        await using var cluster = await ClusterConnection.OpenAsync(gateways);
        var clock = Stopwatch.StartNew();
        var results = new List<RowResult>();
        for (var i = 0; i < rows.Count; i++)
        {
            await Console.Error.WriteLineAsync($"[{i + 1}/{rows.Count}] {rows[i].Group}: {rows[i].Label}");
            results.Add(await RunRowAsync(cluster.Client, rows[i], requests[i], outDir));
        }

        var command = $"platform reproduce{(only.Count > 0 ? string.Concat(only.Select(o => $" --only '{o}'")) : "")}";
        var markdown = ReproductionReport.Markdown(results, clock.Elapsed, command);
        var file = Path.Combine(outDir, "table.md");
        await File.WriteAllTextAsync(file, markdown);
        await Console.Out.WriteLineAsync(markdown);
        await Console.Error.WriteLineAsync($"table {file}");
        return results.All(r => r.Summary is not null) ? Cli.Ok : Cli.Failed;
    }

    private static JobRequest Request(ReproductionRow row, string checkpoints)
    {
        try
        {
            return JobRequest.FromDocument(row.Document(checkpoints), row.Spec, JobRequest.NewJobId(row.Slug, TimeProvider.System), resume: false, TimeProvider.System);
        }
        catch (SpecException e)
        {
            throw new UsageException($"row '{row.Label}': {e.Message}");
        }
    }

    private static async Task<RowResult> RunRowAsync(IClusterClient client, ReproductionRow row, JobRequest request, string outDir)
    {
        var job = client.GetGrain<ITrainingJobGrain>(request.JobId);
        var outcome = await JobRunner.ExecuteAsync(job, request, Path.Combine(outDir, $"{row.Slug}.json"), null, TimeProvider.System);
        if (outcome.Summary is null)
        {
            return new RowResult(row, null, null, null, $"exit code {outcome.ExitCode}");
        }

        // A job that failed early may have too little telemetry to draw: the row still reports its figures.
        var picture = $"{row.Slug}.png";
        try
        {
            var series = await GradientReport.SaveAsync(job, row.Label, Path.Combine(outDir, picture));
            return new RowResult(row, outcome.Summary, series, picture, null);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"no picture for '{row.Label}': {e.Message}");
            return new RowResult(row, outcome.Summary, null, null, null);
        }
    }
}
