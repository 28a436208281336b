using System.Globalization;
using Platform.Spec;

namespace Platform.Training.Health;

/// <summary>
/// Keeps the audit short without losing anything. An episode (one rule's finding, or one remedy for
/// the rules that called for it, on the same layers) is recorded when it starts; its repeats within
/// the cool-down are folded into one record ("clip x14 more, steps 286-299") written once the
/// cool-down is over or the run ends. Discrete events (rollback, skip, stop, pause, learning-rate
/// changes, non-finite gradients) are recorded every time.
/// </summary>
internal sealed class AuditEpisodes(int cooldown)
{
    private readonly Dictionary<string, AuditEpisode> episodes = [];

    /// <summary>Records <paramref name="record"/> into <paramref name="into"/>, or folds it into its episode.</summary>
    public void Add(List<HealthRecord> into, HealthRecord record, string cause)
    {
        if (record.Name is RemedyNames.Rollback or RemedyNames.Skip or RemedyNames.Stop or RemedyNames.Pause or RemedyNames.LrDown or RemedyNames.LrUp or HealthRuleNames.NonFinite)
        {
            into.Add(record);
            return;
        }

        var key = $"{record.Kind}:{record.Name}:{cause}:{string.Join(',', record.Layers)}";
        if (episodes.TryGetValue(key, out var episode) && record.Step - episode.Recorded < Math.Max(1, cooldown))
        {
            episode.Fold(record);
            return;
        }

        if (episode is not null)
        {
            Flush(into, episode);
        }

        episodes[key] = new AuditEpisode { Recorded = record.Step };
        into.Add(record);
    }

    /// <summary>Writes the folded repeats of every episode whose cool-down is over by <paramref name="step"/>.</summary>
    public void Close(List<HealthRecord> into, int step)
    {
        foreach (var episode in Pending(e => step - e.Recorded >= Math.Max(1, cooldown)))
        {
            Flush(into, episode);
        }
    }

    /// <summary>At the end of the run: every folded repeat not yet written.</summary>
    public void CloseAll(List<HealthRecord> into)
    {
        foreach (var episode in Pending(_ => true))
        {
            Flush(into, episode);
        }
    }

    public Dictionary<string, AuditEpisode> Save() => episodes.ToDictionary(e => e.Key, e => e.Value.Copy());

    public void Restore(IReadOnlyDictionary<string, AuditEpisode>? saved)
    {
        episodes.Clear();
        foreach (var (key, episode) in saved ?? new Dictionary<string, AuditEpisode>())
        {
            episodes[key] = episode.Copy();
        }
    }

    /// <summary>Episodes with folded repeats that <paramref name="due"/> selects, in key order (every rank writes them alike).</summary>
    private List<AuditEpisode> Pending(Func<AuditEpisode, bool> due) =>
        [.. episodes.Where(e => e.Value.Count > 0 && due(e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value)];

    private static void Flush(List<HealthRecord> into, AuditEpisode episode)
    {
        if (episode.Last is { } last)
        {
            var detail = string.Create(
                CultureInfo.InvariantCulture,
                $"{last.Name} x{episode.Count} more, steps {episode.First}-{last.Step} (largest value {episode.Largest:G3}){(last.Detail.Length > 0 ? $"; last: {last.Detail}" : "")}");
            into.Add(last with { Value = episode.Largest, Detail = detail });
        }

        episode.Count = 0;
        episode.Last = null;
    }
}
