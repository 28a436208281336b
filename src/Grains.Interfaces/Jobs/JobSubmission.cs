namespace Platform.Grains.Interfaces.Jobs;

/// <summary>
/// A job as submitted: the merged spec YAML (validated again on the silo), whether to continue
/// from the job's latest good checkpoint, and the user's model code (main file first) for
/// <c>model.kind</c> assembly or torchscript.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSubmission(
    [property: Id(0)] string SpecYaml,
    [property: Id(1)] bool Resume,
    [property: Id(2)] JobCodeFile[]? Code = null);
