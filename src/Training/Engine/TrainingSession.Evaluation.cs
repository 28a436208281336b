using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>The trained model read: predictions, test accuracy and loss, and the parameters' norm.</summary>
public sealed partial class TrainingSession
{
    /// <summary>The model's outputs on <paramref name="inputs"/> (already normalised, as the data gives them), in evaluation mode.</summary>
    public float[] Predict(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        try
        {
            return model.Forward(inputs).contiguous().data<float>().ToArray();
        }
        finally
        {
            model.Module.train();
        }
    }

    public EvalResult Evaluate()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        var (correct, lossSum) = (0L, 0.0);
        var test = data.Test;
        for (var start = 0; start < test.Count; start += EvalChunk)
        {
            using var chunk = NewDisposeScope();
            var (inputs, target) = test.Range(start, Math.Min(EvalChunk, test.Count - start));
            var output = model.Forward(inputs);
            correct += LossFunctions.Correct(output, target, data.Regression);
            lossSum += LossFunctions.Compute(output, target, data.Regression, nn.Reduction.Sum).item<float>();
        }

        model.Module.train();
        return new EvalResult((double)correct / test.Count, lossSum / test.Count, test.Count);
    }

    /// <summary>L2 norm of all parameters, accumulated in double precision.</summary>
    public double ParameterL2()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = parameters.Aggregate(0.0, (acc, p) => acc + p.Param.to(float64).square().sum().item<double>());
        return Math.Sqrt(sum);
    }
}
