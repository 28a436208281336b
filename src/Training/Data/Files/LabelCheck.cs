using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// Decides the task from the labels and checks them: with <c>task: auto</c>, N x k labels (k > 1, or
/// floats) are regression with k outputs and N labels are class ids, which must be whole numbers >= 0;
/// the class count is the largest id + 1 over both splits.
/// </summary>
public static class LabelCheck
{
    /// <summary>The targets of each split (int64 class ids, or float32 [N] / [N, k] values) and what the model must output.</summary>
    public sealed record Targets(Tensor Train, Tensor? Test, bool Regression, int Outputs);

    public static Targets Resolve(LabelValues train, LabelValues? test, DataTask task)
    {
        var width = Width(train);
        if (test is not null && Width(test) != width)
        {
            throw new SpecException(test.Field, $"{test.Name} has {Width(test)} label column(s), the training labels {width}");
        }

        var regression = task switch
        {
            DataTask.Regression => true,
            DataTask.Classification => false,
            _ => train.Shape.Length == 2 && (width > 1 || !train.Integers),
        };
        if (regression)
        {
            return new Targets(Values(train, width), test is null ? null : Values(test, width), true, width);
        }

        if (width > 1)
        {
            throw new SpecException(train.Field, $"{train.Name} has {width} label columns; classification takes one class id per sample (set data.task: regression for N x k values)");
        }

        var classes = 1 + (long)Math.Max(MaxClass(train), test is null ? 0 : MaxClass(test));
        if (classes < 2)
        {
            throw new SpecException(train.Field, $"{train.Name} holds a single class (0); classification needs at least two");
        }

        return new Targets(Ids(train), test is null ? null : Ids(test), false, (int)classes);
    }

    private static int Width(LabelValues labels) => labels.Shape.Length switch
    {
        1 => 1,
        2 => (int)labels.Shape[1],
        _ => throw new SpecException(labels.Field, $"{labels.Name} has shape [{string.Join(", ", labels.Shape)}]; labels are N class ids or N x k values for regression"),
    };

    private static double MaxClass(LabelValues labels)
    {
        var max = 0.0;
        for (var i = 0; i < labels.Values.Length; i++)
        {
            var v = labels.Values[i];
            if (!(v >= 0 && v == Math.Floor(v) && v < 1 << 20))
            {
                throw new SpecException(labels.Field, $"{labels.Name} row {i} holds {v}, not a class id (a whole number, 0 <= id < 2^20); regression wants N x k float labels or data.task: regression");
            }

            max = Math.Max(max, v);
        }

        return max;
    }

    private static Tensor Ids(LabelValues labels) => tensor(labels.Values.Select(v => (long)v).ToArray(), [labels.Values.Length]);

    private static Tensor Values(LabelValues labels, int width)
    {
        var values = new float[labels.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = double.IsFinite(labels.Values[i])
                ? (float)labels.Values[i]
                : throw new SpecException(labels.Field, $"{labels.Name} row {i / width} holds {labels.Values[i]}; regression targets must be finite");
        }

        // One output keeps targets [N], as the loss compares them with the model's squeezed output.
        return width == 1 ? tensor(values, [values.Length]) : tensor(values, [values.Length / width, width]);
    }
}
