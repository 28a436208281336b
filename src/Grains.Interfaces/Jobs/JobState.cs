namespace Platform.Grains.Interfaces.Jobs;

/// <summary>Lifecycle of a training job.</summary>
[GenerateSerializer]
public enum JobState
{
    None,
    Submitted,
    Running,
    Paused,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>Why a job failed: the user's input (exit code 2 on the command line) or the platform.</summary>
[GenerateSerializer]
public enum FailureKind
{
    None,
    BadInput,
    Internal,

    /// <summary>The training itself failed: the loss diverged, or the health policy stopped the job.</summary>
    Training,
}

public static class JobStateExtensions
{
    public static bool IsTerminal(this JobState state) => state is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>The lower-case name used in summaries and on the command line.</summary>
    public static string Label(this JobState state) => state.ToString().ToLowerInvariant();
}
