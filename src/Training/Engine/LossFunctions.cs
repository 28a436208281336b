using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// The loss and the accuracy criterion for classification and regression tasks. Regression targets are
/// [N] for one output, or [N, k]; a sample counts as correct when every one of its outputs is within
/// <see cref="RegressionTolerance"/> of its target.
/// </summary>
internal static class LossFunctions
{
    /// <summary>A regression prediction counts as correct within this distance of the target.</summary>
    public const double RegressionTolerance = 0.04;

    public static Tensor Compute(Tensor output, Tensor target, bool regression, nn.Reduction reduction = nn.Reduction.Mean) =>
        regression
            ? nn.functional.mse_loss(Predictions(output, target), target, reduction)
            : nn.functional.cross_entropy(output, target, reduction: reduction);

    public static long Correct(Tensor output, Tensor target, bool regression)
    {
        if (!regression)
        {
            return output.argmax(1).eq(target).sum().item<long>();
        }

        var within = (Predictions(output, target) - target).abs().lt(RegressionTolerance);
        return (within.dim() > 1 ? within.all(1) : within).sum().item<long>();
    }

    // One output comes as [N, 1] against targets [N]; k outputs already match their [N, k] targets.
    private static Tensor Predictions(Tensor output, Tensor target) => target.dim() == 1 ? output.reshape(-1) : output;
}
