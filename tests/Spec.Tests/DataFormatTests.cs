namespace Platform.Spec.Tests;

public sealed class DataFormatTests
{
    [Theory]
    [InlineData("data/digits.npz", DataFormat.Npz)]
    [InlineData("x.NPY", DataFormat.Npy)]
    [InlineData("wine.csv", DataFormat.Csv)]
    [InlineData("model.safetensors", DataFormat.Safetensors)]
    [InlineData("train-images-idx3-ubyte", DataFormat.Idx)]
    [InlineData("train-images-idx3-ubyte.gz", DataFormat.Idx)]
    [InlineData("pictures/", DataFormat.Images)]
    [InlineData("pictures", DataFormat.Images)]
    public void The_training_path_implies_the_format(string train, DataFormat expected)
    {
        Assert.Equal(expected, DataFormats.Infer(train));
    }

    [Fact]
    public void An_existing_folder_is_images_whatever_its_name()
    {
        var folder = Directory.CreateTempSubdirectory("images.v2-");
        try
        {
            Assert.Equal(DataFormat.Images, DataFormats.Infer(folder.FullName));
            Assert.Null(DataFormats.Infer(folder.FullName + ".parquet"));
        }
        finally
        {
            folder.Delete();
        }
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")]
    [InlineData("digits-idx3", "digits-idx1")]
    [InlineData("weights.bin", null)]
    public void Idx_labels_sit_next_to_their_images(string images, string? labels)
    {
        Assert.Equal(labels is null ? null : Path.Combine("set", labels), DataFormats.IdxLabelsFor(Path.Combine("set", images)));
    }

    [Fact]
    public void Names_round_trip()
    {
        Assert.All(DataFormats.Names, name => Assert.Equal(name, DataFormats.Name(DataFormats.Parse(name))));
    }
}
