using Platform.Spec;
using Platform.Training.Data.Files;

namespace Platform.Training.Data;

/// <summary>Builds the train and test splits a spec asks for.</summary>
public static class DatasetFactory
{
    private const long TrainStream = 1;
    private const long TestStream = 2;

    public static DatasetPair Create(DataSpec spec, int seed)
    {
        switch (spec.Dataset)
        {
            case "fashion-mnist":
                var (train, test) = FashionMnist.Load(spec.Dir);
                return new DatasetPair(train.Take(spec.Limit), test, [1, 28, 28], 10, Regression: false, FashionMnist.Normalization);
            case "blobs":
                return new DatasetPair(
                    Blobs.Make(spec.Samples, spec.Classes, seed, TrainStream).Take(spec.Limit),
                    Blobs.Make(spec.TestSamples, spec.Classes, seed, TestStream),
                    [2],
                    spec.Classes,
                    Regression: false);
            case "adding":
                return new DatasetPair(
                    AddingProblem.Make(spec.Samples, spec.SeqLen, seed, TrainStream).Take(spec.Limit),
                    AddingProblem.Make(spec.TestSamples, spec.SeqLen, seed, TestStream),
                    [spec.SeqLen, 2],
                    1,
                    Regression: true);
            case DataSpec.FilesDataset:
                return FileDataset.Load(spec.Files!, spec.Limit, seed);
            default:
                throw new SpecException("data.dataset", $"unknown value '{spec.Dataset}'");
        }
    }
}
