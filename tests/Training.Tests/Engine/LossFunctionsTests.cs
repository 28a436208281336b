using Platform.Training.Engine;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Engine;

public sealed class LossFunctionsTests
{
    [Fact]
    public void One_output_compares_the_squeezed_prediction_with_each_target()
    {
        var output = tensor(new[] { 1f, 2f, 3.5f }, [3, 1]);
        var target = tensor(new[] { 1.01f, 2.5f, 3.5f });

        Assert.Equal(2, LossFunctions.Correct(output, target, regression: true));
        Assert.Equal(((0.01f * 0.01f) + 0.25f) / 3, LossFunctions.Compute(output, target, regression: true).item<float>(), 5);
    }

    [Fact]
    public void A_sample_of_several_outputs_is_correct_only_when_every_output_is()
    {
        var output = tensor(new[] { 1f, 2f, 1f, 2f, 1f, 2f }, [3, 2]);
        var target = tensor(new[] { 1f, 2f, 1f, 2.5f, 1.5f, 2.5f }, [3, 2]);

        Assert.Equal(1, LossFunctions.Correct(output, target, regression: true));
        Assert.Equal(0.75f / 6, LossFunctions.Compute(output, target, regression: true).item<float>(), 5);
        Assert.Equal(0.75f, LossFunctions.Compute(output, target, regression: true, nn.Reduction.Sum).item<float>(), 5);
    }

    [Fact]
    public void Classification_counts_the_argmax()
    {
        var output = tensor(new[] { 0.1f, 0.9f, 0.8f, 0.2f }, [2, 2]);

        Assert.Equal(1, LossFunctions.Correct(output, tensor(new long[] { 1, 1 }), regression: false));
    }
}
