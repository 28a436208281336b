namespace Platform.Spec.Tests;

public sealed class FilesSpecTests
{
    private static FilesSpec Files(string data) => JobSpecDocument.Parse($"data: {{dataset: files, {data}}}").Validate().Data.Files!;

    [Fact]
    public void Defaults_are_those_the_type_states()
    {
        var spec = Files("train: digits.npz");

        Assert.Equal(
            new FilesSpec(DataFormat.Npz, "digits.npz", null, null, null, "x", "y", null, NormalizeMethod.None, null, null, 0.1, DataTask.Auto),
            spec);
    }

    [Fact]
    public void Reads_every_field_of_each_format()
    {
        var csv = Files("train: wine.csv, test: wine-test.csv, label: class, normalize: minmax, task: classification");
        Assert.Equal((DataFormat.Csv, "wine-test.csv", "class", NormalizeMethod.MinMax, DataTask.Classification), (csv.Format, csv.Test, csv.Label, csv.Normalize, csv.Task));

        var npy = Files("train: x.npy, train_labels: y.npy, test: tx.npy, test_labels: ty.npy, task: regression");
        Assert.Equal(("y.npy", "ty.npy", DataTask.Regression), (npy.TrainLabels, npy.TestLabels, npy.Task));

        var images = Files("train: pictures/, image_size: [32, 24], channels: 3, validation_fraction: 0.25");
        Assert.Equal((DataFormat.Images, 32, 24, 3, 0.25), (images.Format, images.ImageSize![0], images.ImageSize[1], images.Channels!.Value, images.ValidationFraction));

        var tensors = Files("train: data.bin, format: safetensors, x_key: pixels, y_key: digit");
        Assert.Equal((DataFormat.Safetensors, "pixels", "digit"), (tensors.Format, tensors.XKey, tensors.YKey));
    }

    [Fact]
    public void Idx_labels_default_to_the_mnist_sibling_of_each_file()
    {
        var spec = Files("train: mnist/train-images-idx3-ubyte.gz, test: mnist/t10k-images-idx3-ubyte.gz");

        Assert.Equal(DataFormat.Idx, spec.Format);
        Assert.Equal(Path.Combine("mnist", "train-labels-idx1-ubyte.gz"), spec.TrainLabels);
        Assert.Equal(Path.Combine("mnist", "t10k-labels-idx1-ubyte.gz"), spec.TestLabels);
        Assert.Equal("own-labels", Files("train: a-images-idx3-ubyte, train_labels: own-labels").TrainLabels);
    }

    [Theory]
    [InlineData("train: x.npz, label: class", "data.label: only for format csv")]
    [InlineData("train: x.csv, label: c, x_key: a", "data.x_key: only for formats npz and safetensors")]
    [InlineData("train: x.npz, train_labels: y.npy", "data.train_labels: only for formats npy and idx")]
    [InlineData("train: x.npz, image_size: [8, 8]", "data.image_size: only for format images")]
    [InlineData("train: x.npz, channels: 1", "data.channels: only for format images")]
    [InlineData("train: x.npz, samples: 10", "data.samples: only for datasets blobs and adding")]
    [InlineData("train: x.npz, dir: somewhere", "data.dir: only for dataset fashion-mnist")]
    [InlineData("test: x.npz", "data.train: required for dataset files")]
    [InlineData("train: x.parquet", "data.format: cannot tell the format from data.train 'x.parquet'; set it to one of: npz, npy, csv, images, safetensors, idx")]
    [InlineData("train: x.npz, format: hdf5", "data.format: unknown value 'hdf5' (expected one of: npz, npy, csv, images, safetensors, idx)")]
    [InlineData("train: x.csv", "data.label: required for format csv")]
    [InlineData("train: x.npy", "data.train_labels: required for format npy")]
    [InlineData("train: x.npy, train_labels: y.npy, test: t.npy", "data.test_labels: required for format npy")]
    [InlineData("train: x.npz, test: t.npz, validation_fraction: 0.2", "data.validation_fraction: only without data.test")]
    [InlineData("train: x.npz, validation_fraction: 0", "data.validation_fraction: must be > 0 and <= 0.9 (got 0)")]
    [InlineData("train: x.npz, validation_fraction: 0.95", "data.validation_fraction: must be > 0 and <= 0.9 (got 0.95)")]
    [InlineData("train: x.npy, train_labels: y.npy, test_labels: ty.npy", "data.test_labels: set only with data.test")]
    [InlineData("train: x.npz, normalize: zscore", "data.normalize: unknown value 'zscore' (expected one of: none, standard, minmax)")]
    [InlineData("train: x.npz, task: ranking", "data.task: unknown value 'ranking' (expected one of: auto, classification, regression)")]
    [InlineData("train: pics/, channels: 2", "data.channels: must be 1 (grey) or 3 (colour) (got 2)")]
    [InlineData("train: pics/, image_size: [8]", "data.image_size: must be a list of 2 integers")]
    [InlineData("train: pics/, task: regression", "data.task: images are labelled by their class folder")]
    [InlineData("train: weights.bin, format: idx", "data.train_labels: required: 'weights.bin' has no 'images' or 'idx3'")]
    [InlineData("train: x.npz, y_kee: y", "data.y_kee: unknown key")]
    public void Invalid_files_specs_name_the_field(string data, string expected)
    {
        var error = Assert.Throws<SpecException>(() => Files(data));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
