using Platform.Spec;
using Platform.Training.Runtime;

namespace Platform.Training.Tests.Runtime;

public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData(null, "cpu", "cpu")]
    [InlineData(null, "cuda:1", "cuda:1")]
    [InlineData("cuda", "cuda:1", "cuda:1")]
    [InlineData("cuda", "cpu", "cuda")]
    [InlineData("cuda:0", "cuda:1", "cuda:0")]
    [InlineData("cpu", "cuda:1", "cpu")]
    public void A_job_takes_its_own_device_else_the_silos_and_plain_cuda_takes_the_silos_gpu(string? job, string silo, string expected) =>
        Assert.Equal(expected, ComputeDevice.Choose(job, silo));

    [Fact]
    public void The_cpu_opens_and_cuda_with_the_cpu_libtorch_is_refused_saying_how_to_get_it()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, ComputeDevice.Open("cpu").type);

        var error = Assert.Throws<SpecException>(() => ComputeDevice.Open("cuda:0"));
        Assert.StartsWith("device: cuda:0: this libtorch is built for CPU only", error.Message, StringComparison.Ordinal);
        Assert.Contains("TORCH=cuda", error.Message, StringComparison.Ordinal);
    }
}
