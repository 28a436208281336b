using Platform.Training.Parallel;

namespace Platform.Training.Tests.Parallel;

public sealed class GradientBucketsTests
{
    [Fact]
    public void Buckets_run_from_the_last_parameter_back_and_cover_the_buffer_once()
    {
        int[] sizes = [200, 10, 60, 5, 40];

        var buckets = GradientBuckets.Of(sizes, capValues: 100);

        Assert.Equal([(3, 4), (1, 2), (0, 0)], buckets.Select(b => (b.First, b.Last)));
        Assert.Equal([270, 200, 0], buckets.Select(b => b.Start));
        Assert.Equal(sizes.Sum(), buckets.Sum(b => b.Count));
    }

    [Fact]
    public void A_cap_of_zero_is_one_bucket_of_everything()
    {
        var bucket = Assert.Single(GradientBuckets.Of([3, 4, 5], capValues: 0));

        Assert.Equal((0, 2, 0, 12), (bucket.First, bucket.Last, bucket.Start, bucket.Count));
    }
}
