using Platform.Training.Data;

namespace Platform.Training.Tests.Data;

public sealed class ShardSamplerTests
{
    [Fact]
    public void Ranks_together_read_exactly_the_single_rank_batch()
    {
        var single = new ShardSampler(1000, 64, rank: 0, worldSize: 1, seed: 9);
        var ranks = Enumerable.Range(0, 4).Select(r => new ShardSampler(1000, 64, r, 4, seed: 9)).ToArray();

        for (var epoch = 0; epoch < 2; epoch++)
        {
            for (var batch = 0; batch < single.BatchesPerEpoch; batch++)
            {
                var combined = ranks.SelectMany(r => r.Indices(epoch, batch)).ToArray();
                Assert.Equal(single.Indices(epoch, batch), combined);
            }
        }
    }

    [Fact]
    public void Shards_of_an_epoch_are_disjoint_and_drop_only_the_partial_batch()
    {
        var ranks = Enumerable.Range(0, 2).Select(r => new ShardSampler(1000, 64, r, 2, seed: 1)).ToArray();

        var seen = ranks.SelectMany(r => Enumerable.Range(0, r.BatchesPerEpoch).SelectMany(b => r.Indices(0, b))).ToList();

        Assert.Equal(15 * 64, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void Each_epoch_has_its_own_order()
    {
        var sampler = new ShardSampler(1000, 100, 0, 1, seed: 1);

        Assert.NotEqual(sampler.Indices(0, 0), sampler.Indices(1, 0));
        Assert.Equal(ShardSampler.Permutation(1000, 1, 0), ShardSampler.Permutation(1000, 1, 0));
    }

    [Fact]
    public void Batch_larger_than_the_data_is_refused()
    {
        var error = Assert.Throws<Platform.Spec.SpecException>(() => new ShardSampler(10, 64, 0, 1, 1));

        Assert.Contains("batch_size: 64", error.Message, StringComparison.Ordinal);
    }
}
