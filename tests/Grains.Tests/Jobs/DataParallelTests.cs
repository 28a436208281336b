using Platform.Grains.Interfaces.Jobs;

namespace Platform.Grains.Tests.Jobs;

/// <summary>N ranks with the ring allreduce train the same model as one rank with the same global batch.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DataParallelTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("dp-tests-").FullName;

    [Fact]
    public async Task Two_ranks_match_one_rank_and_repeat_bit_for_bit()
    {
        var one = await TrainAsync(workers: 1);
        var two = await TrainAsync(workers: 2);
        var twoAgain = await TrainAsync(workers: 2);

        Assert.Equal(2, two.Workers);
        Assert.True(Relative(one.ParameterL2, two.ParameterL2) < 1e-5, $"parameter_l2 {one.ParameterL2} vs {two.ParameterL2}");
        var worst = one.LossHistory.Zip(two.LossHistory, Relative).Max();
        Assert.True(worst < 1e-5, $"per-step losses differ by up to {worst:E2}");
        Assert.Equal(two.ParameterL2, twoAgain.ParameterL2);

        // Parameters repeat bit for bit; a reported loss is a reduction whose last bit may depend on buffer alignment.
        Assert.True(two.LossHistory.Zip(twoAgain.LossHistory, Relative).Max() < 1e-6);
    }

    [Fact]
    public async Task Three_ranks_split_a_batch_that_is_not_a_power_of_two()
    {
        var one = await TrainAsync(workers: 1, batch: 96);
        var three = await TrainAsync(workers: 3, batch: 96);

        Assert.True(Relative(one.ParameterL2, three.ParameterL2) < 1e-5, $"parameter_l2 {one.ParameterL2} vs {three.ParameterL2}");
    }

    [Fact]
    public async Task Direct_links_over_sockets_and_over_shared_memory_give_the_same_bits_as_orleans_messages()
    {
        var messages = await TrainAsync(workers: 2);
        var sockets = await TrainAsync(workers: 2, transport: "tcp", sharedMemory: false);
        var shared = await TrainAsync(workers: 3, transport: "tcp", batch: 96);
        var sharedMessages = await TrainAsync(workers: 3, batch: 96);
        var direct = await TrainAsync(workers: 2, transport: "tcp");

        // The ranks' silos share this machine: direct links move to shared memory unless told not to.
        Assert.Equal("tcp", sockets.Transport);
        Assert.Equal("shm", direct.Transport);
        Assert.Equal("shm", shared.Transport);
        Assert.Equal(messages.ParameterL2, sockets.ParameterL2);
        Assert.Equal(messages.ParameterL2, direct.ParameterL2);
        Assert.Equal(sharedMessages.ParameterL2, shared.ParameterL2);
    }

    [Theory]
    [InlineData("orleans")]
    [InlineData("tcp")]
    public async Task Gradients_averaged_bucket_by_bucket_during_backward_give_the_bits_of_one_allreduce_after_it(string transport)
    {
        // Two ranks: each value is the same sum of two, however the buffer is cut into buckets.
        var after = await TrainAsync(workers: 2, transport: transport, bucketKb: 0);
        var small = await TrainAsync(workers: 2, transport: transport, bucketKb: 64);
        var large = await TrainAsync(workers: 2, transport: transport);

        Assert.Equal(after.ParameterL2, small.ParameterL2);
        Assert.Equal(after.ParameterL2, large.ParameterL2);
    }

    [Theory]
    [InlineData("orleans", true)]
    [InlineData("tcp", true)]
    [InlineData("tcp", false)]
    public async Task Cancelling_a_multi_rank_job_stops_every_rank_promptly(string transport, bool sharedMemory)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"dp-cancel-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(Spec(workers: 2, batch: 128, compression: "none", transport: transport, epochs: 50, sharedMemory: sharedMemory), Resume: false));
        await TrainingJobGrainTests.WaitUntilAsync(job, p => p.Step >= 5);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await job.CancelAsync();

        Assert.Equal(JobState.Cancelled, (await job.GetProgressAsync()).State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancel took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("bf16")]
    public async Task Compressed_wire_trains_close_to_full_precision(string compression)
    {
        var full = await TrainAsync(workers: 2);
        var compressed = await TrainAsync(workers: 2, compression: compression);

        Assert.Equal(JobState.Completed, compressed.Status);
        Assert.True(Relative(full.ParameterL2, compressed.ParameterL2) < 1e-2, $"parameter_l2 {full.ParameterL2} vs {compressed.ParameterL2}");
    }

    private async Task<JobSummary> TrainAsync(int workers, int batch = 128, string compression = "none", string transport = "orleans", int bucketKb = 256, bool sharedMemory = true)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>($"dp-{workers}-{Guid.NewGuid():N}");
        await job.SubmitAsync(new JobSubmission(Spec(workers, batch, compression, transport, epochs: 1, bucketKb, sharedMemory), Resume: false));
        var done = await TrainingJobGrainTests.WaitForEndAsync(job);
        Assert.True(done.State == JobState.Completed, $"{workers}-rank job ended {done.State}: {done.Error}");
        return (await job.GetSummaryAsync())!;
    }

    private string Spec(int workers, int batch, string compression, string transport, int epochs, int bucketKb = 256, bool sharedMemory = true) => $"""
            model: {"{"}kind: mlp, depth: 2, width: 256, activation: relu, init: he{"}"}
            data: {"{"}dataset: fashion-mnist, limit: 3200{"}"}
            optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
            schedule: {"{"}kind: cosine, warmup_steps: 50{"}"}
            batch_size: {batch}
            epochs: {epochs}
            workers: {workers}
            seed: 1
            threads: 1
            allreduce: {"{"}compression: {compression}, transport: {transport}, bucket_kb: {bucketKb}, shared_memory: {(sharedMemory ? "true" : "false")}{"}"}
            checkpoint: {"{"}dir: '{checkpoints}'{"}"}
            """;

    private static double Relative(double a, double b) => Math.Abs(a - b) / Math.Max(1e-12, Math.Abs(a));
}
