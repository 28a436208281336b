namespace Platform.Training.Models.UserCode;

/// <summary>One file of a user's model code: its file name, its SHA-256 (hex) and its bytes.</summary>
public sealed record CodeFile(string Name, string Sha256, byte[] Bytes);

/// <summary>
/// The code a job ships with it: the model's assembly (or TorchScript file) first, then the assemblies
/// it depends on. Silos load it from these bytes, never from the user's disk.
/// </summary>
public sealed record ModelCode(IReadOnlyList<CodeFile> Files)
{
    public CodeFile Main => Files[0];
}
