using Platform.Training.Runtime;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Native_library_loads_and_runs_a_tensor_op()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = a.matmul(a);

        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void Seeded_builds_are_identical()
    {
        using var first = TorchRuntime.Seeded(7, () => randn(4, 4));
        using var second = TorchRuntime.Seeded(7, () => randn(4, 4));

        Assert.True(first.eq(second).all().item<bool>());
    }
}
