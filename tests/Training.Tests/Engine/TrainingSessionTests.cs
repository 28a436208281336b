using Platform.Spec;
using Platform.Training.Checkpoints;
using Platform.Training.Data;
using Platform.Training.Engine;

namespace Platform.Training.Tests.Engine;

public sealed class TrainingSessionTests
{
    private static JobSpec Spec(string extra = "") => JobSpecDocument.Parse($"""
        model: {"{"}kind: mlp, depth: 2, width: 32, activation: tanh{"}"}
        data: {"{"}dataset: blobs, samples: 2048, test_samples: 512, classes: 4{"}"}
        optimizer: {"{"}kind: adam, lr: 0.01{"}"}
        schedule: {"{"}kind: cosine, warmup_steps: 5{"}"}
        batch_size: 64
        steps: 60
        seed: 3
        threads: 1
        {extra}
        """).Validate();

    [Fact]
    public void Learns_the_blobs()
    {
        using var session = new TrainingSession(Spec(), 0, 1);
        while (!session.Finished)
        {
            session.RunStep();
        }

        Assert.Equal(60, session.Step);
        Assert.True(session.Losses[^1] < session.Losses[0] / 2, $"loss went from {session.Losses[0]} to {session.Losses[^1]}");
        Assert.True(session.Evaluate().Accuracy > 0.9);
    }

    [Fact]
    public void Same_seed_trains_bit_for_bit_the_same()
    {
        Assert.Equal(Train(Spec()), Train(Spec()));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Resume_from_a_checkpoint_equals_the_uninterrupted_run(OptimizerKind optimizer)
    {
        var spec = Spec() with { Optimizer = Spec().Optimizer with { Kind = optimizer } };
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "mid.ckpt");
        var uninterrupted = Train(spec);

        using (var first = new TrainingSession(spec, 0, 1))
        {
            for (var i = 0; i < 25; i++)
            {
                first.RunStep();
            }

            first.SaveCheckpoint(file);
        }

        using var resumed = new TrainingSession(spec, 0, 1);
        resumed.RestoreCheckpoint(file);
        Assert.Equal(25, resumed.Step);
        while (!resumed.Finished)
        {
            resumed.RunStep();
        }

        Assert.Equal(uninterrupted, resumed.ParameterL2());
        Assert.Equal(60, resumed.Losses.Count);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "a.ckpt");
        using (var small = new TrainingSession(Spec(), 0, 1))
        {
            small.SaveCheckpoint(file);
        }

        var wider = Spec() with { Model = Spec().Model with { Width = 64 } };
        using var other = new TrainingSession(wider, 0, 1);

        var error = Assert.Throws<CheckpointMismatchException>(() => other.RestoreCheckpoint(file));
        Assert.Contains("layers.0.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_problem_trains_a_recurrent_net()
    {
        var spec = JobSpecDocument.Parse("""
            model: {kind: rnn, cell: gru, depth: 1, width: 32}
            data: {dataset: adding, samples: 2048, test_samples: 256, seq_len: 10}
            optimizer: {kind: adam, lr: 0.01}
            batch_size: 64
            steps: 150
            seed: 1
            threads: 1
            """).Validate();
        using var session = new TrainingSession(spec, 0, 1);
        var before = session.Evaluate().Loss;
        while (!session.Finished)
        {
            session.RunStep();
        }

        // Predicting the mean (1.0) gives MSE about 1/6; learning the task goes far below.
        Assert.True(session.Evaluate().Loss < before / 4, $"test MSE {session.Evaluate().Loss} (before {before})");
    }

    [Fact]
    public void A_checkpoint_restores_the_normalisation_it_was_trained_with()
    {
        // Training on a copy of wine.csv, evaluated on the original: after the copy shrinks to its first
        // 60 rows its statistics change, and only the checkpoint's keep the evaluation identical.
        var dir = Directory.CreateTempSubdirectory("restore-normalisation-").FullName;
        var (train, file) = (Path.Combine(dir, "train.csv"), Path.Combine(dir, "mid.ckpt"));
        var wine = Tests.Data.Files.RealSets.File("wine.csv");
        File.Copy(wine, train);
        var spec = Tests.Data.Files.FileTraining.Job($"train: '{train}', test: '{wine}', label: class, normalize: standard", batchSize: 16);
        InputNormalization saved;
        EvalResult before;
        using (var first = new TrainingSession(spec, 0, 1))
        {
            for (var i = 0; i < 20; i++)
            {
                first.RunStep();
            }

            (saved, before) = (first.Normalization!, first.Evaluate());
            first.SaveCheckpoint(file);
        }

        File.WriteAllLines(train, File.ReadLines(wine).Take(61));
        using (var resumed = new TrainingSession(spec, 0, 1))
        {
            Assert.False(resumed.Normalization!.SameAs(saved), "the shrunk file has other statistics");

            resumed.RestoreCheckpoint(file);

            Assert.True(resumed.Normalization!.SameAs(saved));
            Assert.Equal(before, resumed.Evaluate());
        }

        Directory.Delete(dir, recursive: true);
    }

    private static double Train(JobSpec spec)
    {
        using var session = new TrainingSession(spec, 0, 1);
        while (!session.Finished)
        {
            session.RunStep();
        }

        return session.ParameterL2();
    }
}
