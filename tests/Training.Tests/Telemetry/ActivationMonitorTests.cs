using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Telemetry;

public sealed class ActivationMonitorTests
{
    [Fact]
    public void Counts_dead_relu_units_and_saturated_sigmoid_outputs()
    {
        using var relu = nn.ReLU();
        using var sigmoid = nn.Sigmoid();
        using var model = nn.Sequential(("relu", relu), ("sigmoid", sigmoid));
        var monitor = new ActivationMonitor(model, tolerance: 0.01);
        Assert.Equal(["relu", "sigmoid"], monitor.Names);

        // Four units over three samples: unit 0 is negative for every sample (dead), unit 2 only for one.
        using var x = tensor(new float[,] { { -1, 2, -3, 10 }, { -2, 1, 4, 10 }, { -5, 3, 1, 10 } });
        monitor.Begin();
        relu.call(x);
        sigmoid.call(x);
        var figures = monitor.Read();

        // Saturated: relu none; sigmoid: |x| >= 4.6 saturates to within 0.01 of a bound: 10 x3, -5 x1 of 12.
        Assert.Equal([0f, 4f / 12, 0.25f, 0f], figures, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Does_not_record_outside_a_step()
    {
        using var relu = nn.ReLU();
        using var model = nn.Sequential(("relu", relu));
        var monitor = new ActivationMonitor(model, tolerance: 0.01);
        using var x = -ones(2, 3);
        relu.call(x);
        monitor.Begin();
        Assert.Equal([0f, 0f], monitor.Read());
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
