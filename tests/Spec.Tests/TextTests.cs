namespace Platform.Spec.Tests;

public sealed class TextTests
{
    [Theory]
    [InlineData(new double[] { }, double.NaN)]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void The_median_takes_the_middle_two_of_an_even_count(double[] values, double median) =>
        Assert.Equal(median, Text.Median(values));

    [Fact]
    public void First_line_is_of_the_innermost_message_trimmed()
    {
        var e = new InvalidOperationException("outer", new IOException(" disk full \n   at Stack.Trace()"));

        Assert.Equal("disk full", Text.FirstLine(e));
    }

    [Fact]
    public void Choices_are_spelled_in_lower_case_and_parsed_back()
    {
        Assert.Equal(["zscore", "fixed", "percentile"], Choice.Names<ClipMode>());
        Assert.Equal(WeightInit.Xavier, Choice.Parse<WeightInit>("Xavier", "model.init"));
        Assert.Equal("model.init: unknown value 'glorot' (expected one of: default, xavier, he)", Assert.Throws<SpecException>(() => Choice.Parse<WeightInit>("glorot", "model.init")).Message);
    }
}
