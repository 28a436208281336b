namespace Platform.Training.Models.UserCode;

/// <summary>The assemblies a user's model shares with the host instead of shipping its own copy: TorchSharp and the platform's.</summary>
public static class SharedAssemblies
{
    public static bool Contains(string? name) =>
        name is not null && (name.Equals("TorchSharp", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Platform.", StringComparison.Ordinal) || name == "platform");
}
