namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// One file of a user's model code shipped with a job (an assembly, or a TorchScript file), named by
/// its SHA-256 (hex) so that a silo runs exactly the bytes the client read, never a file on its own disk.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobCodeFile(
    [property: Id(0)] string Name,
    [property: Id(1)] string Sha256,
    [property: Id(2)] byte[] Bytes);
