using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Placement;
using Platform.Grains.Workers;
using Platform.Silo.CommandLine;
using Platform.Spec;
using Platform.Training.Checkpoints;
using Platform.Training.Data;
using Platform.Training.Engine;

namespace Platform.Grains.Tests.Workers;

public sealed class RankFailureTests
{
    public static TheoryData<Exception> UserMistakes =>
    [
        new SpecException("optimizer.lr", "must be > 0"),
        new UsageException("--workers must be a number"),
        new DatasetUnavailableException("install dataset-fashion-mnist"),
        new CheckpointCorruptException("step-1.ckpt", "checksum mismatch"),
        new CheckpointMismatchException("step-1.ckpt", "another model"),
        new PlacementException("workers: 4 ranks do not fit"),
    ];

    [Theory]
    [MemberData(nameof(UserMistakes))]
    public void The_users_mistakes_are_bad_input(Exception e) => Assert.Equal(FailureKind.BadInput, RankFailure.Of(e));

    [Fact]
    public void An_argument_exception_from_torch_or_from_us_is_an_internal_error_not_bad_input()
    {
        Assert.Equal(FailureKind.Internal, RankFailure.Of(new ArgumentException("shape '[64, 10]' is invalid for input of size 630")));
        Assert.Equal(FailureKind.Internal, RankFailure.Of(new InvalidOperationException()));
    }

    [Fact]
    public void A_run_that_diverged_failed_on_its_own_terms()
    {
        Assert.Equal(FailureKind.Training, RankFailure.Of(new TrainingDivergedException(3, float.NaN, "health checks are off")));
        Assert.Equal(FailureKind.Training, RankFailure.Of(new HealthStopException("stopped")));
    }
}
