namespace Platform.Bench;

/// <summary>Small statistics helpers for benchmark figures.</summary>
public static class BenchStats
{
    public static double Median(IReadOnlyCollection<double> values) => Platform.Spec.Text.Median(values);
}
