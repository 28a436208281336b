using System.IO.Compression;
using Platform.Spec;

namespace Platform.Training.Data.Files;

/// <summary>NumPy's .npz: a zip of .npy arrays, stored or deflated (numpy.savez, savez_compressed), read whole into memory.</summary>
public static class NpzReader
{
    internal static RawSplit Read(string path, string xKey, string yKey, string field)
    {
        var name = InputFile.Name(path);
        using var file = InputFile.Open(path, field);
        using var zip = Open(file, name, field);
        var arrays = zip.Entries.Select(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName).ToList();
        var (xLayout, xData) = ReadArray(zip, arrays, xKey, "data.x_key", name, field);
        var (yLayout, yData) = ReadArray(zip, arrays, yKey, "data.y_key", name, field);
        var layout = xLayout.AsSamples($"{name}[{xKey}]", field);
        var inputs = layout.ToTensor(xData);
        var labels = LabelValues.From(yLayout, yData, $"{name}[{yKey}]", field);
        return new RawSplit($"{name}[{xKey}]", field, (int)layout.Rows, layout.RowShape, labels, RawSplit.AsStored, !Elements.IsInteger(layout.Kind), targets => new TensorDataset(inputs, targets));
    }

    private static ZipArchive Open(Stream file, string name, string field)
    {
        try
        {
            return new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            throw new SpecException(field, $"{name} is not an .npz (zip) file; write it with numpy.savez or numpy.savez_compressed");
        }
    }

    private static (ArrayLayout, byte[]) ReadArray(ZipArchive zip, List<string> arrays, string key, string keyField, string name, string field)
    {
        var entry = zip.GetEntry($"{key}.npy") ?? zip.GetEntry(key)
            ?? throw new SpecException(keyField, $"{name} has no array '{key}' (it has: {string.Join(", ", arrays)}); set {keyField} to the name to use");
        using var stream = entry.Open();
        return NpyReader.ReadWhole(stream, $"{name}[{key}]", field);
    }
}
