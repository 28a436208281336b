using Platform.Spec;
using Platform.Training.Data.Files;

namespace Platform.Training.Tests.Data.Files;

public sealed class ValidationSplitTests
{
    [Fact]
    public void The_same_seed_holds_out_the_same_rows_disjoint_from_training()
    {
        var (train, test) = ValidationSplit.Split(1797, 0.1, seed: 11);

        var again = ValidationSplit.Split(1797, 0.1, seed: 11);
        Assert.Equal(train, again.Train);
        Assert.Equal(test, again.Test);
        Assert.Equal(180, test.Length);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(Enumerable.Range(0, 1797).Select(i => (long)i), train.Concat(test).Order());
        Assert.Equal(train.Order(), train);
    }

    [Fact]
    public void Another_seed_holds_out_other_rows()
    {
        Assert.NotEqual(ValidationSplit.Split(1797, 0.1, seed: 11).Test, ValidationSplit.Split(1797, 0.1, seed: 12).Test);
    }

    [Fact]
    public void Held_out_rows_differ_from_the_training_rows_the_session_sees()
    {
        var data = FileTraining.Load($"train: {RealSets.Yaml("digits_float.npz")}, validation_fraction: 0.25");

        Assert.Equal((1348, 449), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void A_single_sample_cannot_be_split()
    {
        var error = Assert.Throws<SpecException>(() => ValidationSplit.Split(1, 0.1, seed: 1));

        Assert.StartsWith("data.validation_fraction: the training file has 1 sample(s)", error.Message, StringComparison.Ordinal);
    }
}
