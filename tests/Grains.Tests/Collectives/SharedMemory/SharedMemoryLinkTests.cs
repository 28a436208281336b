using System.Diagnostics;
using Platform.Grains.Collectives;
using Platform.Grains.Collectives.SharedMemory;
using Platform.Spec;

namespace Platform.Grains.Tests.Collectives.SharedMemory;

/// <summary>Ring allreduces over shared-memory links between threads of this process, which map the rings as two silo processes do.</summary>
public sealed class SharedMemoryLinkTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("shm-links-");

    public void Dispose() => directory.Delete(recursive: true);

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 1_000_003)]
    [InlineData(4, 7)]
    public void Ranks_on_one_machine_agree_on_shared_memory_and_average_to_the_bits_of_tcp(int ranks, int values)
    {
        var shm = LoopbackRing.Links(ranks, _ => directory.FullName);
        var tcp = LoopbackRing.Links(ranks, _ => null);

        var viaShm = Average(shm, values, steps: 3);
        var viaTcp = Average(tcp, values, steps: 3);

        Assert.All(shm, l => Assert.Equal("shm", l.Name));
        Assert.All(tcp, l => Assert.Equal("tcp", l.Name));
        for (var r = 0; r < ranks; r++)
        {
            Assert.Equal(viaTcp[r], viaShm[r]);
            Assert.Equal(viaShm[0], viaShm[r]);
        }

        // The average of rank r's values (r + 1 + i / n) over the ranks.
        Assert.Equal((ranks + 1) / 2.0, viaShm[0][0], 5);
        Assert.Empty(directory.GetFiles());
        Dispose(shm);
        Dispose(tcp);
    }

    [Fact]
    public void A_round_larger_than_the_ring_streams_through_it()
    {
        var links = LoopbackRing.Links(2, _ => directory.FullName);
        var values = (int)(3 * SharedMemoryNegotiation.RingBytes / sizeof(float));

        var result = Average(links, values, steps: 2);

        Assert.Equal(result[0], result[1]);
        Assert.Equal(1.5f + (values - 1) / (float)values, result[0][^1], 4);
        Dispose(links);
    }

    [Theory]
    [InlineData(Compression.Fp16)]
    [InlineData(Compression.Bf16)]
    public void Sixteen_bit_values_keep_their_alignment_across_rounds_of_odd_length(Compression compression)
    {
        var shm = LoopbackRing.Links(3, _ => directory.FullName, compression);
        var tcp = LoopbackRing.Links(3, _ => null, compression);

        // 1001 values over 3 ranks: segments of 333 and 334 values, 666 and 668 bytes, padded in the ring.
        var viaShm = Average(shm, 1001, steps: 5, compression);
        var viaTcp = Average(tcp, 1001, steps: 5, compression);

        Assert.Equal(viaTcp[0], viaShm[0]);
        Assert.Equal(viaShm[0], viaShm[2]);
        Dispose(shm);
        Dispose(tcp);
    }

    [Fact]
    public void A_rank_without_the_memory_file_system_keeps_sockets_and_its_neighbours_follow()
    {
        // Rank 1 offers nothing and accepts nothing: its two links stay sockets, the third is shared memory.
        var links = LoopbackRing.Links(3, r => r == 1 ? null : directory.FullName);

        var result = Average(links, 5000, steps: 2);

        Assert.Equal(["tcp+shm", "tcp", "tcp+shm"], links.Select(l => l.Name));
        Assert.Equal(result[0], result[1]);
        Assert.Equal(result[0], result[2]);
        Dispose(links);
    }

    [Fact]
    public void A_ring_in_another_directory_is_refused()
    {
        // Rank 0's offer names a file outside the directory rank 1 makes its rings in (as on another machine).
        var other = Directory.CreateTempSubdirectory("shm-other-");
        try
        {
            var links = LoopbackRing.Links(2, r => r == 0 ? other.FullName : directory.FullName);

            // Each rank finds the other's ring outside its own directory: both links stay sockets.
            Assert.Equal("tcp", links[0].Name);
            Assert.Equal("tcp", links[1].Name);
            Assert.Equal(Average(links, 100, steps: 1)[0], Average(LoopbackRing.Links(2, _ => null), 100, steps: 1)[0]);
            Assert.Empty(other.GetFiles());
            Dispose(links);
        }
        finally
        {
            other.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_rank_that_never_sends_times_out_with_the_step_deadline_words()
    {
        var sockets = LoopbackRing.Sockets(2);
        var codec = new WireCodec(Compression.None);
        var deadline = TimeSpan.FromMilliseconds(300);
        var links = LoopbackRing.OnEveryRank(2, r => SharedMemoryNegotiation.Negotiate(sockets[r].Outgoing, sockets[r].Incoming, directory.FullName, codec, 1024, LoopbackRing.Timeout, deadline));

        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TimeoutException>(() => links[0].Receive(new float[10], step: 0, phase: 0, add: true));

        Assert.Contains("recovery.step_timeout_seconds", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, deadline * 0.9, TimeSpan.FromSeconds(5));
        Dispose(links);
    }

    [Fact]
    public void A_rank_whose_neighbour_is_gone_fails_at_once_not_at_the_deadline()
    {
        var links = LoopbackRing.Links(2, _ => directory.FullName);
        links[1].Dispose();

        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IOException>(() => links[0].Receive(new float[10], step: 0, phase: 0, add: true));

        Assert.Contains("closed its connection", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        links[0].Dispose();
    }

    [Fact]
    public async Task A_round_of_another_step_is_refused()
    {
        var links = LoopbackRing.Links(2, _ => directory.FullName);

        await links[0].SendAsync([1f, 2f], 0, 2, step: 4, phase: 1);
        var e = Assert.Throws<InvalidDataException>(() => links[1].Receive(new float[2], step: 5, phase: 1, add: true));

        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);
        Dispose(links);
    }

    private static float[][] Average(RingLinks[] links, int values, int steps, Compression compression = Compression.None) => LoopbackRing.OnEveryRank(links.Length, r =>
    {
        var ring = new RingAllReduce(r, links.Length, links[r], new WireCodec(compression), CancellationToken.None);
        var data = new float[values];
        for (var step = 0; step < steps; step++)
        {
            for (var i = 0; i < values; i++)
            {
                data[i] = r + 1 + (i / (float)values);
            }

            ring.AverageInPlace(data, step);
        }

        return data;
    });

    private static void Dispose(IEnumerable<RingLinks> links)
    {
        foreach (var l in links)
        {
            l.Dispose();
        }
    }
}
