namespace Platform.Spec.Tests;

public sealed class DataSpecTests
{
    [Theory]
    [InlineData("dataset: blobs, train: x.npz", "data.train: only for dataset files")]
    [InlineData("dataset: fashion-mnist, normalize: standard", "data.normalize: only for dataset files")]
    [InlineData("dataset: blobs, seq_len: 10", "data.seq_len: only for dataset adding")]
    [InlineData("dataset: adding, classes: 3", "data.classes: only for dataset blobs")]
    public void Other_datasets_refuse_the_keys_they_do_not_take(string data, string expected)
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse($"data: {{{data}}}").Validate());

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Files_get_their_settings_and_the_built_in_sets_none()
    {
        var files = JobSpecDocument.Parse("data: {dataset: files, train: x.npz, limit: 50}").Validate().Data;
        Assert.Equal((DataSpec.FilesDataset, 50, DataFormat.Npz), (files.Dataset, files.Limit!.Value, files.Files!.Format));

        Assert.Null(JobSpecDocument.Parse("data: {dataset: blobs, classes: 3}").Validate().Data.Files);
    }

    [Fact]
    public void Only_regression_files_or_the_adding_problem_are_regression_before_loading()
    {
        Assert.True(JobSpecDocument.Parse("data: {dataset: files, train: y.npz, task: regression}").Validate().Data.IsRegression);
        Assert.False(JobSpecDocument.Parse("data: {dataset: files, train: y.npz}").Validate().Data.IsRegression);
        Assert.True(JobSpecDocument.Parse("data: {dataset: adding}").Validate().Data.IsRegression);
    }
}
