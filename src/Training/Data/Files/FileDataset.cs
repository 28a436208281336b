using Platform.Spec;

namespace Platform.Training.Data.Files;

/// <summary>
/// The train and test splits of <c>data: {dataset: files}</c>: each format's reader, the labels checked
/// across both splits, features checked for NaN and infinity, the seeded hold-out when there is no test
/// file, <c>limit</c>, then normalisation from the training split only. The splits stay raw sources behind
/// a <see cref="NormalizingSource"/>, so a resumed run can swap in its checkpoint's statistics.
/// </summary>
public static class FileDataset
{
    public static DatasetPair Load(FilesSpec spec, int? limit, int seed)
    {
        var (train, test) = Read(spec);
        Check(train, train);
        if (test is not null)
        {
            Check(test, train);
        }

        var targets = LabelCheck.Resolve(train.Labels, test?.Labels, spec.Task);
        var whole = train.WithTargets(targets.Train);
        var testSource = test?.WithTargets(targets.Test!);
        if (train.MayHoldNonFinite)
        {
            FeatureScan.RequireFinite(whole, train.Name, train.Field);
        }

        if (test is not null && testSource is not null && test.MayHoldNonFinite)
        {
            FeatureScan.RequireFinite(testSource, test.Name, test.Field);
        }

        var trainSource = whole;
        if (testSource is null)
        {
            var (kept, held) = ValidationSplit.Split(whole.Count, spec.ValidationFraction, seed);
            (trainSource, testSource) = (new SubsetSource(whole, kept), new SubsetSource(whole, held));
        }

        trainSource = SubsetSource.First(trainSource, limit);
        var normalization = FeatureScan.Statistics(trainSource, train.SampleShape, spec.Normalize, train.Raw);
        if (spec.Normalize != NormalizeMethod.None)
        {
            trainSource = new NormalizingSource(trainSource, train.SampleShape, normalization);
            testSource = new NormalizingSource(testSource, train.SampleShape, normalization);
        }

        return new DatasetPair(trainSource, testSource, train.SampleShape, targets.Outputs, targets.Regression, normalization);
    }

    private static (RawSplit Train, RawSplit? Test) Read(FilesSpec spec)
    {
        switch (spec.Format)
        {
            case DataFormat.Npz:
                return (NpzReader.Read(spec.Train, spec.XKey, spec.YKey, "data.train"), spec.Test is { } npz ? NpzReader.Read(npz, spec.XKey, spec.YKey, "data.test") : null);
            case DataFormat.Safetensors:
                return (SafetensorsReader.Read(spec.Train, spec.XKey, spec.YKey, "data.train"), spec.Test is { } st ? SafetensorsReader.Read(st, spec.XKey, spec.YKey, "data.test") : null);
            case DataFormat.Npy:
                return (NpyReader.Read(spec.Train, spec.TrainLabels!, "data.train", "data.train_labels"), spec.Test is { } npy ? NpyReader.Read(npy, spec.TestLabels!, "data.test", "data.test_labels") : null);
            case DataFormat.Idx:
                return (IdxFiles.Read(spec.Train, spec.TrainLabels!, "data.train", "data.train_labels"), spec.Test is { } idx ? IdxFiles.Read(idx, spec.TestLabels!, "data.test", "data.test_labels") : null);
            case DataFormat.Csv:
                return CsvTable.Splits(CsvTable.Read(spec.Train, spec.Label!, "data.train"), spec.Test is { } csv ? CsvTable.Read(csv, spec.Label!, "data.test") : null);
            case DataFormat.Images:
                var (images, layout) = ImageFolder.Read(spec.Train, "data.train", spec.ImageSize, spec.Channels, train: null);
                return (images, spec.Test is { } folder ? ImageFolder.Read(folder, "data.test", spec.ImageSize, spec.Channels, layout).Split : null);
            default:
                throw new SpecException("data.format", $"unknown format {spec.Format}");
        }
    }

    private static void Check(RawSplit split, RawSplit train)
    {
        if (split.Count != split.Labels.Rows)
        {
            throw new SpecException(split.Labels.Field, $"{split.Labels.Name} has {split.Labels.Rows} labels for the {split.Count} samples of {split.Name}; x and y need one row per sample");
        }

        if (split.Count == 0)
        {
            throw new SpecException(split.Field, $"{split.Name} has no samples");
        }

        if (!split.SampleShape.SequenceEqual(train.SampleShape))
        {
            throw new SpecException(split.Field, $"{split.Name} has samples of shape [{string.Join(", ", split.SampleShape)}], the training file [{string.Join(", ", train.SampleShape)}]");
        }
    }
}
