using Platform.Spec;
using Platform.Training.Data.Files;
using static Platform.Training.Tests.Data.Files.FileTraining;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Data.Files;

public sealed class SafetensorsReaderTests
{
    [Fact]
    public void Digits_as_safetensors_train_an_mlp_to_the_usual_accuracy()
    {
        var result = Train(Job($"train: {RealSets.Yaml("digits.safetensors")}, normalize: standard"));

        Assert.True(result.Accuracy >= 0.93, $"digits accuracy {result.Accuracy}");
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("bfloat16")]
    [InlineData("float32")]
    [InlineData("uint8")]
    [InlineData("int8")]
    [InlineData("int16")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("bool")]
    public void Every_dtype_reads_as_the_same_floats(string dtype)
    {
        var reference = Inputs("x_float64");

        Assert.True(NpzReaderTests.Same(dtype == "bool" ? reference.gt(8).to(float32) : reference, Inputs($"x_{dtype}")));
    }

    [Fact]
    public void A_missing_tensor_names_those_the_file_has_and_the_key_to_set()
    {
        var error = Assert.Throws<SpecException>(() => Load($"train: {RealSets.Yaml("digits.safetensors")}, x_key: pixels"));

        Assert.Equal("data.x_key: digits.safetensors has no tensor 'pixels' (it has: x, y); set data.x_key to the name to use", error.Message);
    }

    [Fact]
    public void A_file_of_another_format_is_named()
    {
        var error = Assert.Throws<SpecException>(() => SafetensorsReader.Header(RealSets.File("digits_x.npy"), "digits_x.npy", "data.train"));

        Assert.StartsWith("data.train: digits_x.npy is not a safetensors file", error.Message, StringComparison.Ordinal);
    }

    private static Tensor Inputs(string key)
    {
        var split = SafetensorsReader.Read(RealSets.File("dtypes/all.safetensors"), key, "y", "data.train");
        var source = split.WithTargets(zeros(split.Count, ScalarType.Int64));
        try
        {
            return source.Range(0, split.Count).Inputs;
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
    }
}
