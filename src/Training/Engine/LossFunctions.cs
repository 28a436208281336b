using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>The loss and the accuracy criterion for classification and regression tasks.</summary>
internal static class LossFunctions
{
    /// <summary>A regression prediction counts as correct within this distance of the target.</summary>
    public const double RegressionTolerance = 0.04;

    public static Tensor Compute(Tensor output, Tensor target, bool regression, nn.Reduction reduction = nn.Reduction.Mean) =>
        regression
            ? nn.functional.mse_loss(output.squeeze(-1), target, reduction)
            : nn.functional.cross_entropy(output, target, reduction: reduction);

    public static long Correct(Tensor output, Tensor target, bool regression) =>
        regression
            ? (output.squeeze(-1) - target).abs().lt(RegressionTolerance).sum().item<long>()
            : output.argmax(1).eq(target).sum().item<long>();
}
