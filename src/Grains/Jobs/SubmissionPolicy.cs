using System.Text.RegularExpressions;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>
/// What a silo accepts of a submission whoever sent it: a job id that names one folder (it becomes a
/// checkpoint folder and grain keys), and, under a data root (<c>platform silo --data-root</c>), spec
/// paths that stay inside it, so that a client can make a silo read only what its operator allows.
/// </summary>
public static partial class SubmissionPolicy
{
    public const int MaxJobIdLength = 200;

    /// <summary>Why <paramref name="jobId"/> is refused; null when it is fine.</summary>
    public static string? RefuseJobId(string jobId) =>
        jobId.Length is 0 or > MaxJobIdLength || jobId is "." or ".." || !JobIdPattern().IsMatch(jobId)
            ? $"job id '{Printable(jobId)}' refused: 1 to {MaxJobIdLength} letters, digits, '.', '_' or '-', and not '.' or '..'"
            : null;

    /// <summary>
    /// The first path of <paramref name="document"/> outside <paramref name="dataRoot"/>, as an error naming
    /// its field; null when all are inside. <c>model.path</c> is not read on the silo when the model's
    /// code travels with the job (<paramref name="codeShipped"/>), so it is not checked then.
    /// </summary>
    public static string? RefusePaths(JobSpecDocument document, string dataRoot, bool codeShipped)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataRoot)) + Path.DirectorySeparatorChar;
        foreach (var (field, value) in document.Values(JobSpecDocument.PathFields))
        {
            if (codeShipped && field == "model.path")
            {
                continue;
            }

            var full = Path.GetFullPath(value);

            // A link inside the root that points out of it is outside: the file read is its target's.
            var real = File.Exists(full) || Directory.Exists(full) ? Resolve(full) : full;
            if (!(real + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
            {
                return $"{field}: {value} is outside this cluster's data root {root.TrimEnd(Path.DirectorySeparatorChar)} (platform silo --data-root); put the data there or ask its operator";
            }
        }

        return null;
    }

    private static string Resolve(string path)
    {
        var info = new FileInfo(path);
        var target = info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true) : new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        var parent = Path.GetDirectoryName(path);
        var resolved = target?.FullName ?? path;
        return parent is null || resolved != path ? resolved : Path.Combine(Resolve(parent), Path.GetFileName(path));
    }

    private static string Printable(string text) => text.Length > 60 ? $"{new string([.. text.Take(60).Select(c => char.IsControl(c) ? '?' : c)])}..." : new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex JobIdPattern();
}
