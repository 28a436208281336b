using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// The IDX files of the MNIST family (gzip or plain): images of unsigned bytes, pixels / 255, and their
/// labels in a second file; read whole with <see cref="IdxReader"/>.
/// </summary>
public static class IdxFiles
{
    internal static RawSplit Read(string images, string labels, string field, string labelsField)
    {
        var (dims, pixels) = Load(images, field);
        var (labelDims, ids) = Load(labels, labelsField);
        // Images [N, H, W] take a channel axis, as the convolutional models expect.
        long[] sample = dims.Length switch
        {
            1 => [1],
            3 => [1, dims[1], dims[2]],
            _ => [.. dims[1..].Select(d => (long)d)],
        };
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            scaled[i] = pixels[i] / 255f;
        }

        var inputs = tensor(scaled, [dims[0], .. sample]);
        var values = new LabelValues(InputFile.Name(labels), labelsField, [.. ids.Select(b => (double)b)], [.. labelDims.Select(d => (long)d)], Integers: true);
        return new RawSplit(InputFile.Name(images), field, dims[0], sample, values, RawSplit.Pixels, MayHoldNonFinite: false, t => new TensorDataset(inputs, t));
    }

    private static (int[] Dims, byte[] Data) Load(string path, string field)
    {
        try
        {
            return IdxReader.Read(InputFile.Require(path, field));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new SpecException(field, $"{InputFile.Name(path)}: {e.Message.Replace(path, "", StringComparison.Ordinal).TrimStart(':', ' ')}");
        }
    }
}
