using Platform.Training.Data;

namespace Platform.Training.Tests.Data;

public sealed class SyntheticDataTests
{
    [Fact]
    public void Blobs_are_reproducible_from_the_seed()
    {
        var a = Blobs.Make(200, 4, seed: 3, stream: 1);
        var b = Blobs.Make(200, 4, seed: 3, stream: 1);
        var c = Blobs.Make(200, 4, seed: 4, stream: 1);

        Assert.True(a.Inputs.eq(b.Inputs).all().item<bool>());
        Assert.False(a.Inputs.eq(c.Inputs).all().item<bool>());
        Assert.Equal([200L, 2], a.Inputs.shape);
        Assert.Equal(4, a.Targets.unique().Item1.shape[0]);
    }

    [Fact]
    public void Adding_problem_target_is_the_sum_of_the_two_marked_values()
    {
        var set = AddingProblem.Make(50, 20, seed: 1, stream: 1);

        for (var i = 0; i < 50; i++)
        {
            var sample = set.Inputs[i];
            var markers = sample.select(1, 1);
            Assert.Equal(2f, markers.sum().item<float>());
            var sum = (sample.select(1, 0) * markers).sum().item<float>();
            Assert.Equal(set.Targets[i].item<float>(), sum, 5);
        }
    }
}
