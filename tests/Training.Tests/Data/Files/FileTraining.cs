using Platform.Spec;
using Platform.Training.Data;
using Platform.Training.Engine;

namespace Platform.Training.Tests.Data.Files;

/// <summary>Specs over the real sets, and training them to the end, for the tests that show a format trains.</summary>
internal static class FileTraining
{
    public const string Mlp = "{kind: mlp, depth: 2, width: 64, activation: relu}";

    public static JobSpec Job(string data, string model = Mlp, int epochs = 10, int batchSize = 32, double lr = 0.003, int seed = 7) => JobSpecDocument.Parse($"""
        model: {model}
        data: {"{"}dataset: files, {data}{"}"}
        optimizer: {"{"}kind: adam, lr: {lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}{"}"}
        batch_size: {batchSize}
        epochs: {epochs}
        seed: {seed}
        threads: 1
        """).Validate();

    /// <summary>Test-set accuracy after training <paramref name="spec"/> to its end.</summary>
    public static EvalResult Train(JobSpec spec)
    {
        using var session = new TrainingSession(spec, 0, 1);
        while (!session.Finished)
        {
            session.RunStep();
        }

        return session.Evaluate();
    }

    public static DatasetPair Load(string data, int seed = 7) => DatasetFactory.Create(Job(data, seed: seed).Data, seed);
}
