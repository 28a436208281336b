using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Training.Checkpoints;

/// <summary>One entry of a job's checkpoint manifest.</summary>
public sealed record CheckpointEntry(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>
/// A job's checkpoint folder: <c>step-NNNNNNNN.ckpt</c> files and a <c>manifest.json</c> that lists
/// them oldest first. The manifest is rewritten atomically after each file lands, and old files
/// beyond <c>keep</c> are deleted.
/// </summary>
public sealed class CheckpointDirectory(string path)
{
    private const string ManifestName = "manifest.json";

    public string Path { get; } = path;

    public IReadOnlyList<CheckpointEntry> Entries()
    {
        var manifest = System.IO.Path.Combine(Path, ManifestName);
        return File.Exists(manifest) ? JsonSerializer.Deserialize<List<CheckpointEntry>>(File.ReadAllText(manifest)) ?? [] : [];
    }

    public string FileFor(int step) => System.IO.Path.Combine(Path, $"step-{step:D8}.ckpt");

    /// <summary>Records a written checkpoint and prunes the oldest beyond <paramref name="keep"/>.</summary>
    public void Add(CheckpointEntry entry, int keep)
    {
        var entries = Entries().Where(e => e.Step != entry.Step).Append(entry).OrderBy(e => e.Step).ToList();
        var dropped = entries.Take(Math.Max(0, entries.Count - keep)).ToList();
        var kept = entries.Skip(dropped.Count).ToList();
        var manifest = System.IO.Path.Combine(Path, ManifestName);
        var temp = manifest + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(kept, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, manifest, overwrite: true);
        foreach (var old in dropped)
        {
            File.Delete(System.IO.Path.Combine(Path, old.File));
        }
    }

    /// <summary>The newest checkpoint whose file verifies, skipping corrupt ones (added to <paramref name="skipped"/>); null when none.</summary>
    public (CheckpointEntry Entry, string File)? Latest(Func<string, bool> verifies, ICollection<CheckpointEntry>? skipped = null)
    {
        foreach (var entry in Entries().OrderByDescending(e => e.Step))
        {
            var file = System.IO.Path.Combine(Path, entry.File);
            if (verifies(file))
            {
                return (entry, file);
            }

            skipped?.Add(entry);
        }

        return null;
    }
}
