namespace Platform.Spec;

/// <summary>Small helpers every layer uses to speak to users and to report figures.</summary>
public static class Text
{
    /// <summary>The first line of a message (libtorch's, Orleans' and .NET's carry stack traces after it).</summary>
    public static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>The first line of the innermost exception's message.</summary>
    public static string FirstLine(Exception e) => FirstLine(e.GetBaseException().Message);

    /// <summary>The median (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
