using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;
using Platform.Training.Engine;

namespace Platform.Grains.Workers;

/// <summary>How a rank's failure is reported: the user's mistake, the run's own end, or ours.</summary>
internal static class RankFailure
{
    public static FailureKind Of(Exception e) => e switch
    {
        UserInputException => FailureKind.BadInput,
        TrainingDivergedException or HealthStopException => FailureKind.Training,
        _ => FailureKind.Internal,
    };
}
