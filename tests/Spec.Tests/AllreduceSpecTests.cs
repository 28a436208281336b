namespace Platform.Spec.Tests;

public sealed class AllreduceSpecTests
{
    private static AllreduceSpec Allreduce(string yaml) => JobSpecDocument.Parse($"allreduce: {yaml}").Validate().Allreduce;

    [Fact]
    public void Defaults_choose_the_transport_per_job_send_float32_and_bucket_by_256_KiB()
    {
        var spec = Allreduce("{}");

        Assert.Equal((Transport.Auto, Compression.None, (int?)null, 256, true), (spec.Transport, spec.Compression, spec.ChunkKb, spec.BucketKb, spec.SharedMemory));
    }

    [Fact]
    public void Shared_memory_between_ranks_on_one_machine_can_be_turned_off()
    {
        Assert.False(Allreduce("{transport: tcp, shared_memory: false}").SharedMemory);
        var error = Assert.Throws<SpecException>(() => Allreduce("{shared_memory: sometimes}"));
        Assert.StartsWith("allreduce.shared_memory:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{transport: TCP, compression: bf16}", Transport.Tcp, Compression.Bf16)]
    [InlineData("{transport: orleans, compression: fp16}", Transport.Orleans, Compression.Fp16)]
    public void Choices_are_read_once_into_their_types(string yaml, Transport transport, Compression compression) =>
        Assert.Equal((transport, compression), (Allreduce(yaml).Transport, Allreduce(yaml).Compression));

    [Fact]
    public void Sockets_take_bigger_chunks_than_grain_messages()
    {
        Assert.Equal(4096, AllreduceSpec.DefaultChunkKb(Transport.Tcp));
        Assert.Equal(1024, AllreduceSpec.DefaultChunkKb(Transport.Orleans));
    }

    [Fact]
    public void An_unknown_transport_lists_the_transports()
    {
        var error = Assert.Throws<SpecException>(() => Allreduce("{transport: rdma}"));

        Assert.Equal("allreduce.transport: unknown value 'rdma' (expected one of: auto, orleans, tcp)", error.Message);
    }
}
