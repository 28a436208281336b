namespace Platform.Spec.Tests;

public sealed class EngineSpecTests
{
    [Fact]
    public void The_host_fast_path_is_on_and_the_device_left_to_the_silo_by_default()
    {
        var spec = JobSpecDocument.Parse("batch_size: 64").Validate();

        Assert.True(spec.Engine.HostFastPath);
        Assert.Null(spec.Device);
        Assert.False(JobSpecDocument.Parse("engine: {host_fast_path: false}").Validate().Engine.HostFastPath);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:7")]
    public void Devices_are_cpu_cuda_or_cuda_with_an_index(string device) =>
        Assert.Equal(device, JobSpecDocument.Parse($"device: '{device}'").Validate().Device);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("CUDA")]
    [InlineData("mps")]
    public void Anything_else_is_refused_naming_the_field(string device)
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse($"device: '{device}'").Validate());

        Assert.Equal($"device: unknown device '{device}' (expected cpu, cuda or cuda:N)", error.Message);
    }

    [Fact]
    public void An_unknown_engine_setting_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse("engine: {fast: true}").Validate());

        Assert.StartsWith("engine.fast:", error.Message, StringComparison.Ordinal);
    }
}
