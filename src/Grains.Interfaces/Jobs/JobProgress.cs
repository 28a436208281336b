namespace Platform.Grains.Interfaces.Jobs;

/// <summary>A job's state and progress as a client sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record JobProgress(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] int Step,
    [property: Id(3)] int TotalSteps,
    [property: Id(4)] double Epoch,
    [property: Id(5)] double Loss,
    [property: Id(6)] double SamplesPerSecond,
    [property: Id(7)] int Workers,
    [property: Id(8)] string? Error,
    [property: Id(9)] FailureKind FailureKind)
{
    public static JobProgress Unknown(string jobId) => new(jobId, JobState.None, 0, 0, 0, double.NaN, 0, 0, null, FailureKind.None);
}
