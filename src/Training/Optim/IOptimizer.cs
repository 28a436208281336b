using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>
/// An optimizer whose whole state is tensors it owns, so a checkpoint can capture it exactly and a
/// resumed run continues bit for bit. The learning rate comes in per step, from the schedule.
/// </summary>
public interface IOptimizer : IDisposable
{
    /// <summary>Updates applied so far (Adam's bias correction counts them).</summary>
    long Updates { get; set; }

    /// <summary>
    /// Applies one update from the parameters' current gradients; returns, per parameter, the sum of
    /// squares of what it changed (0 for a parameter without a gradient), for the update norms.
    /// With <paramref name="limit"/>, no weight tensor steps further than it allows (SGD; Adam's steps
    /// are already bounded by the learning rate per element, and it takes the limit as met).
    /// </summary>
    double[] Step(double lr, UpdateLimit? limit = null);

    /// <summary>Named state tensors, e.g. <c>momentum.layers.0.weight</c>.</summary>
    IEnumerable<(string Name, Tensor Value)> State();
}
