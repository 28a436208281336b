using System.Diagnostics;
using Platform.Grains.Interfaces.Collectives;
using Platform.Grains.Placement;
using Platform.Spec;

namespace Platform.Grains.Collectives;

/// <summary>Runs timed allreduces of a synthetic buffer over the same ring code the workers use.</summary>
[RankPlacement]
public sealed class AllreduceBenchGrain(TensorTransportService tcp) : Grain, IAllreduceBenchGrain
{
    private readonly ChunkMailbox mailbox = new(generation: 0);
    private double[] times = [];

    public Task StartAsync(AllreduceBenchAssignment a)
    {
        var codec = new WireCodec(Choice.Parse<Compression>(a.Compression, "--compression"));
        var next = GrainFactory.GetGrain<IAllreduceBenchGrain>($"{a.Bench}/{(a.Rank + 1) % a.WorldSize}");
        var position = new RingPosition(a.Bench, a.Rank, a.WorldSize, 0, Convert.FromHexString(a.LinkSecret));
        var thread = new Thread(() =>
        {
            using var ring = RingBuilder.Build(position, Choice.Parse<Transport>(a.Transport, "--transport"), codec, a.ChunkKb, a.SharedMemory, TimeSpan.FromSeconds(60), next, mailbox, tcp, CancellationToken.None);
            times = Run(ring, a);
        })
        { IsBackground = true, Name = $"allreduce bench {a.Rank}" };
        using (ExecutionContext.SuppressFlow())
        {
            thread.Start();
        }

        return Task.CompletedTask;
    }

    public Task<double[]> GetTimesAsync() => Task.FromResult(times);

    public Task<string> GetTransportEndpointAsync() => Task.FromResult(tcp.Endpoint);

    public Task ReceiveChunkAsync(CollectiveChunk chunk)
    {
        mailbox.Deliver(chunk);
        return Task.CompletedTask;
    }

    private static double[] Run(RingAllReduce ring, AllreduceBenchAssignment a)
    {
        var data = new float[a.Bytes / sizeof(float)];
        Array.Fill(data, a.Rank + 1f);
        var result = new double[a.Iterations];
        for (var i = 0; i < a.Iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            ring.AverageInPlace(data, i);
            result[i] = clock.Elapsed.TotalSeconds;
        }

        return result;
    }
}
