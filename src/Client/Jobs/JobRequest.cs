using System.Globalization;
using Platform.Grains.Interfaces.Jobs;
using Platform.Silo.CommandLine;
using Platform.Spec;

namespace Platform.Client.Jobs;

/// <summary>
/// A job as the command line describes it: the spec file with its overrides applied, validated,
/// with a job id and an absolute checkpoint directory.
/// </summary>
internal sealed record JobRequest(string JobId, string SpecYaml, JobSpec Spec, bool Resume, JobCodeFile[]? Code = null)
{
    public JobSubmission Submission => new(SpecYaml, Resume, Code);

    public static JobRequest From(ArgReader args, TimeProvider clock)
    {
        var file = args.Positional(0, "SPEC (a job spec YAML file)");
        var document = JobSpecDocument.Load(file);
        foreach (var assignment in args.All("set"))
        {
            document.Set(assignment);
        }

        if (args.Value("device") is { } device)
        {
            document.Set($"device='{device}'");
        }

        if (args.Int("workers", min: 1) is { } workers)
        {
            document.Set("workers", workers);
        }

        if (args.Int("epochs", min: 1) is { } epochs)
        {
            document.Remove("steps").Set("epochs", epochs);
        }

        if (args.Int("steps", min: 1) is { } steps)
        {
            document.Remove("epochs").Set("steps", steps);
        }

        return FromDocument(document, file, args.Value("job-id"), args.Flag("resume"), clock);
    }

    /// <summary>
    /// The request for a spec <paramref name="document"/> read from <paramref name="file"/> (overrides
    /// applied): validated, paths made absolute, with <paramref name="jobId"/> or a new id from the spec's
    /// name or the file's.
    /// </summary>
    public static JobRequest FromDocument(JobSpecDocument document, string file, string? jobId, bool resume, TimeProvider clock)
    {
        // Every field has a default, so an empty file would train something nobody asked for.
        if (document.IsEmpty)
        {
            throw new SpecException("", $"the spec file is empty: {file} (set at least model and data; examples/fashion-mlp.yaml is a start)");
        }

        var spec = document.ResolvePaths(Environment.CurrentDirectory, JobSpecDocument.PathFields).Validate();
        var checkpoints = Path.GetFullPath(spec.Checkpoint.Dir);
        document.Set($"checkpoint.dir={Quote(checkpoints)}");
        spec = document.Validate();

        var stem = spec.Name ?? Path.GetFileNameWithoutExtension(file);
        jobId ??= resume ? LatestJob(checkpoints, stem) : NewJobId(stem, clock);
        if (jobId.Length == 0 || jobId.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            throw new UsageException($"--job-id must be a non-empty name without spaces or slashes (got '{jobId}')");
        }

        return new JobRequest(jobId, document.ToYaml(), spec, resume, ModelCodeReader.Read(spec.Model, resume));
    }

    /// <summary>A new job id: <paramref name="stem"/>, the time and four random hex digits.</summary>
    internal static string NewJobId(string stem, TimeProvider clock) =>
        $"{stem}-{clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Random.Shared.Next(0x10000):x4}";

    /// <summary>The most recently checkpointed job of this spec, for <c>--resume</c> without <c>--job-id</c>.</summary>
    private static string LatestJob(string checkpoints, string stem)
    {
        var dir = new DirectoryInfo(checkpoints);
        var latest = dir.Exists
            ? dir.EnumerateDirectories($"{stem}-*")
                .Where(d => File.Exists(Path.Combine(d.FullName, "manifest.json")))
                .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d.FullName, "manifest.json")))
                .FirstOrDefault()
            : null;
        return latest?.Name ?? throw new UsageException($"--resume: no checkpointed job of '{stem}' in {checkpoints}; pass --job-id");
    }

    /// <summary>A text as a single-quoted YAML scalar, for <c>--set</c> values that hold paths.</summary>
    internal static string Quote(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}
