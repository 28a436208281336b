using System.Globalization;
using System.Text.Json;
using Platform.Training.Checkpoints;

namespace Platform.Training.Export;

/// <summary>
/// A checkpoint's model parameters and buffers (batch-norm statistics too) under the model's own
/// names, as <c>model.load_state_dict(...)</c> expects them, with the input normalisation the
/// platform applied in the metadata. Optimizer state stays behind.
/// </summary>
public static class WeightExport
{
    private const string ModelPrefix = "model.";

    /// <summary>Writes <paramref name="checkpoint"/> (a verified checkpoint file) to <paramref name="output"/>; returns what it wrote, in one line.</summary>
    public static string Write(string checkpoint, string output)
    {
        var (metadata, stored) = CheckpointFile.ReadStored(checkpoint);
        var tensors = stored.Where(t => t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal))
            .Select(t => t with { Name = t.Name[ModelPrefix.Length..] })
            .ToList();
        var values = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["platform.model"] = metadata.Model,
            ["platform.step"] = metadata.Step.ToString(CultureInfo.InvariantCulture),
        };
        if (metadata.InputShape is { } shape)
        {
            values["platform.input_shape"] = JsonSerializer.Serialize(shape);
        }

        if (metadata.Outputs is { } outputs)
        {
            values["platform.outputs"] = outputs.ToString(CultureInfo.InvariantCulture);
        }

        if (metadata.Normalization is { } normalization)
        {
            values["platform.normalization"] = JsonSerializer.Serialize(normalization);
        }

        SafetensorsWriter.Write(output, tensors, values);
        var count = tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
        return $"{output}: {tensors.Count} tensors ({count:N0} values) of step {metadata.Step} from {checkpoint}";
    }
}
