using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Interfaces.Workers;

/// <summary>
/// What one rank is to do: which job, which rank of how many, and where to start from.
/// <c>Generation</c> counts the job's (re)starts, so that a message from an earlier run is never
/// mistaken for one of this run. <c>Code</c> is the user's model code, shipped with the job;
/// <c>RanksOnMachine</c> counts the job's ranks placed on this rank's machine (its own included), which
/// share its cores. <c>LinkSecret</c> (hex) is what this start's direct tensor links prove to each
/// other: a fresh one per start, from the coordinator.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkerAssignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] string SpecYaml,
    [property: Id(2)] int Rank,
    [property: Id(3)] int WorldSize,
    [property: Id(4)] string CheckpointDir,
    [property: Id(5)] string? ResumeFrom,
    [property: Id(6)] int Generation,
    [property: Id(7)] JobCodeFile[]? Code = null,
    [property: Id(8)] int RanksOnMachine = 1,
    [property: Id(9)] string LinkSecret = "");
