using Platform.Spec;
using Platform.Training.Telemetry;

namespace Platform.Training.Health.Checks;

/// <summary>
/// The validation rules, at each periodic evaluation: <c>overtraining</c>, <c>patience</c>
/// evaluations in a row without a validation loss below the best so far (the model stopped
/// generalising better, SageMaker's rule of that name); <c>overfit</c>, the same while the mean
/// training loss kept falling since the best evaluation (it learns the training set only).
/// </summary>
internal sealed class OverfitCheck(EvalSpec eval)
{
    private double trainSum;
    private int trainCount;

    /// <summary>The best validation so far, the mean training loss of the interval that led to it, and evaluations since; null before the first.</summary>
    public BestValidation? Best { get; set; }

    public void Train(float loss)
    {
        if (float.IsFinite(loss))
        {
            (trainSum, trainCount) = (trainSum + loss, trainCount + 1);
        }
    }

    public void Check(ValidationResult? v, List<Finding> fired)
    {
        if (v is null || !double.IsFinite(v.Loss))
        {
            return;
        }

        var train = trainCount > 0 ? trainSum / trainCount : double.NaN;
        (trainSum, trainCount) = (0, 0);
        if (Best is null || v.Loss < Best.Loss)
        {
            Best = new BestValidation(v.Loss, v.Step, train, 0);
            return;
        }

        Best = Best with { Since = Best.Since + 1 };
        if (Best.Since < eval.Patience)
        {
            return;
        }

        fired.Add(new Finding(HealthRuleNames.Overtraining, [], v.Loss, Best.Loss));
        if (train < Best.TrainLoss)
        {
            fired.Add(new Finding(HealthRuleNames.Overfit, [], v.Loss, Best.Loss));
        }
    }
}
