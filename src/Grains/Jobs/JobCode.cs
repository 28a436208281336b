using System.Security.Cryptography;
using System.Text.Json;
using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;
using Platform.Training.Models.UserCode;

namespace Platform.Grains.Jobs;

/// <summary>The user's model code kept with a job (its own grain state), so restarts never need the client's files.</summary>
[GenerateSerializer]
public sealed class JobCodeRecord
{
    [Id(0)] public List<JobCodeFile> Files { get; set; } = [];
}

/// <summary>
/// The same code in the job's checkpoint folder (<c>code/</c>: the files by SHA-256 and a manifest in
/// order, main file first), so that <c>--resume</c> on a new cluster or process, whose job records are
/// gone, still runs the bytes the job was trained with.
/// </summary>
public static class JobCode
{
    private const string Folder = "code";
    private const string ManifestName = "manifest.json";

    /// <summary>The first file whose bytes do not hash to its name's SHA-256; null when all match.</summary>
    public static string? Mismatch(IEnumerable<JobCodeFile> files) =>
        files.FirstOrDefault(f => !Convert.ToHexStringLower(SHA256.HashData(f.Bytes)).Equals(f.Sha256, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>The shipped files as the training side takes them; throws, naming <c>model.path</c>, when one does not match its SHA-256.</summary>
    public static ModelCode Verified(IReadOnlyList<JobCodeFile> files) =>
        Mismatch(files) is { } altered
            ? throw new SpecException("model.path", $"the bytes shipped for {altered} do not match their SHA-256")
            : new([.. files.Select(f => new CodeFile(f.Name, f.Sha256, f.Bytes))]);

    public static void Save(string checkpointDir, IReadOnlyList<JobCodeFile> files)
    {
        var folder = Path.Combine(checkpointDir, Folder);
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Sha256);
            if (!File.Exists(path))
            {
                var temp = $"{path}.{Environment.ProcessId}.tmp";
                File.WriteAllBytes(temp, file.Bytes);
                File.Move(temp, path, overwrite: true);
            }
        }

        var manifest = Path.Combine(folder, ManifestName);
        File.WriteAllText(manifest + ".tmp", JsonSerializer.Serialize(files.Select(f => new[] { f.Name, f.Sha256 })));
        File.Move(manifest + ".tmp", manifest, overwrite: true);
    }

    /// <summary>The code saved with the job's checkpoints; empty when there is none or a file is missing or altered.</summary>
    public static List<JobCodeFile> Load(string checkpointDir)
    {
        var folder = Path.Combine(checkpointDir, Folder);
        var manifest = Path.Combine(folder, ManifestName);
        if (!File.Exists(manifest))
        {
            return [];
        }

        var entries = JsonSerializer.Deserialize<string[][]>(File.ReadAllText(manifest)) ?? [];
        var files = new List<JobCodeFile>();
        foreach (var entry in entries)
        {
            if (entry.Length != 2 || entry[1].Length != 64 || !entry[1].All(char.IsAsciiHexDigit) || !File.Exists(Path.Combine(folder, entry[1])))
            {
                return [];
            }

            files.Add(new JobCodeFile(entry[0], entry[1], File.ReadAllBytes(Path.Combine(folder, entry[1]))));
        }

        return Mismatch(files) is null ? files : [];
    }
}
