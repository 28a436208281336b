using Platform.Training.Telemetry;
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
            return model.Forward(inputs.to(Device)).cpu().contiguous().data<float>().ToArray();
        }
        finally
        {
            model.Module.train();
        }
    }

    public EvalResult Evaluate()
    {
        var (correct, lossSum) = Score(data.Test, 0, data.Test.Count);
        return new EvalResult((double)correct / data.Test.Count, lossSum / data.Test.Count, data.Test.Count);
    }

    /// <summary>
    /// With <c>eval.keep_best</c>, at the end of the run: the weights of the best periodic evaluation
    /// put back when they are not the ones in place; returns its step, or null.
    /// </summary>
    public int? KeepBest() => validation?.RestoreBest(Step);

    /// <summary>The best periodic evaluation so far, if any.</summary>
    public ValidationResult? BestValidation => validation?.Best;

    /// <summary>After every <c>eval.interval</c> updates but the last: this rank's share of the validation samples scored on the weights in place, for the next step's allreduce.</summary>
    private void ScoreValidationIfDue()
    {
        if (validation is null || Step == 0 || Step % spec.Eval.Interval != 0 || Finished)
        {
            return;
        }

        var (start, count) = validation.Share(Rank, WorldSize);
        var (correct, lossSum) = Score(data.Train, start, count);
        validation.Scored(Step, correct, lossSum, count);
    }

    /// <summary>Correct predictions and the summed loss over samples [start, start + count) of <paramref name="source"/>, in evaluation mode.</summary>
    private (long Correct, double LossSum) Score(Data.ISampleSource source, int start, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        var (correct, lossSum) = (0L, 0.0);
        for (var at = start; at < start + count; at += EvalChunk)
        {
            using var chunk = NewDisposeScope();
            var (inputs, target) = OnDevice(source.Range(at, Math.Min(EvalChunk, start + count - at)));
            var output = model.Forward(inputs);
            correct += LossFunctions.Correct(output, target, data.Regression);
            lossSum += LossFunctions.Compute(output, target, data.Regression, nn.Reduction.Sum).item<float>();
        }

        model.Module.train();
        return (correct, lossSum);
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
