using static TorchSharp.torch;

namespace Platform.Training.Optim;

/// <summary>
/// The device path's update sizes: each tensor's sum of squares stays on the device until the step
/// is done, then all come to the host in one copy (one synchronisation per step, not one per tensor).
/// </summary>
internal sealed class DeferredChanges(double[] changes)
{
    private readonly List<(int Index, Tensor Sum)> pending = [];

    public void Add(int index, Tensor sum) => pending.Add((index, sum));

    /// <summary>The changes, the deferred ones filled in; call inside the dispose scope the sums were made in.</summary>
    public double[] Read()
    {
        if (pending.Count > 0)
        {
            var sums = stack([.. pending.Select(p => p.Sum)]).cpu().data<double>().ToArray();
            for (var k = 0; k < pending.Count; k++)
            {
                changes[pending[k].Index] = sums[k];
            }
        }

        return changes;
    }
}
