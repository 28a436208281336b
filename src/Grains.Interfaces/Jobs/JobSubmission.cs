namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// A job as submitted: the merged spec YAML (validated again on the silo) and whether to continue
/// from the job's latest good checkpoint.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSubmission(
    [property: Id(0)] string SpecYaml,
    [property: Id(1)] bool Resume);
