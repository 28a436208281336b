using System.Text.Json.Serialization;

namespace Platform.Training.Health;

/// <summary>An episode's last written record and the repeats folded since.</summary>
public sealed class AuditEpisode
{
    [JsonPropertyName("recorded")]
    public int Recorded { get; set; }

    [JsonPropertyName("count")]
    public int Count { get; set; }

    [JsonPropertyName("first")]
    public int First { get; set; }

    [JsonPropertyName("largest")]
    public double Largest { get; set; }

    [JsonPropertyName("last")]
    public HealthRecord? Last { get; set; }

    public void Fold(HealthRecord record)
    {
        First = Count == 0 ? record.Step : First;
        Largest = Count == 0 ? record.Value : Math.Max(Largest, record.Value);
        Count++;
        Last = record;
    }

    public AuditEpisode Copy() => new() { Recorded = Recorded, Count = Count, First = First, Largest = Largest, Last = Last };
}
