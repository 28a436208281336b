namespace Platform.Spec;

/// <summary>A job spec that cannot be used: names the field path and the reason, in one line.</summary>
public sealed class SpecException(string path, string reason) : UserInputException(path.Length == 0 ? reason : $"{path}: {reason}")
{
    /// <summary>Dotted path of the offending field, e.g. <c>optimizer.lr</c>; empty for the whole document.</summary>
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
