using Platform.Spec;
using Platform.Training.Engine;

namespace Platform.Training.Tests.Engine;

/// <summary>Periodic validation in a session: the held-out samples, the evaluations' steps, the best weights kept, and resume.</summary>
public sealed class ValidationSetTests
{
    private static JobSpec Spec(string eval) => JobSpecDocument.Parse($$"""
        model: {kind: mlp, depth: 2, width: 32, activation: tanh}
        data: {dataset: blobs, samples: 1024, test_samples: 256, classes: 4}
        optimizer: {kind: adam, lr: 0.01}
        batch_size: 64
        steps: 60
        seed: 3
        threads: 1
        eval: {{eval}}
        """).Validate();

    private static TrainingSession Run(JobSpec spec, int steps = int.MaxValue)
    {
        var session = new TrainingSession(spec, 0, 1);
        while (!session.Finished && session.Step < steps)
        {
            session.RunStep();
        }

        return session;
    }

    [Fact]
    public void Every_interval_is_evaluated_on_the_held_out_samples_and_arrives_with_the_next_step()
    {
        using var session = Run(Spec("{interval: 10, samples: 256}"));

        // Evaluated after updates 10..50 (not after the last): 768 samples train, 12 batches per epoch.
        Assert.Equal([10, 20, 30, 40, 50], session.Validations.Select(v => v.Step));
        Assert.Equal(12, session.BatchesPerEpoch);
        Assert.All(session.Validations, v => Assert.InRange(v.Accuracy, 0, 1));
        Assert.True(session.Validations[^1].Loss < session.Validations[0].Loss, "the validation loss fell as the blobs were learned");
    }

    [Fact]
    public void The_run_ends_with_the_weights_of_its_best_evaluation()
    {
        using var session = Run(Spec("{interval: 10, samples: 256}"));
        var best = session.BestValidation!;
        using var reference = Run(Spec("{interval: 10, samples: 256}"), steps: best.Step);
        var atBest = reference.ParameterL2();

        var kept = session.KeepBest();

        Assert.Equal(best.Step == session.Step ? null : best.Step, kept);
        Assert.Equal(atBest, session.ParameterL2());
        Assert.Null(Run(Spec("{interval: 10, samples: 256, keep_best: false}")).KeepBest());
    }

    [Fact]
    public void A_resumed_run_evaluates_as_the_uninterrupted_one()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "mid.ckpt");
        var spec = Spec("{interval: 10, samples: 256}");
        using var uninterrupted = Run(spec);
        using (var first = Run(spec, steps: 30))
        {
            first.SaveCheckpoint(file);
        }

        using var resumed = new TrainingSession(spec, 0, 1);
        resumed.RestoreCheckpoint(file);
        while (!resumed.Finished)
        {
            resumed.RunStep();
        }

        Assert.Equal(uninterrupted.Validations.Where(v => v.Step >= 30), resumed.Validations);
        Assert.Equal(uninterrupted.ParameterL2(), resumed.ParameterL2());
    }

    [Fact]
    public void Holding_out_more_than_half_the_training_set_is_refused_naming_the_field()
    {
        var error = Assert.Throws<SpecException>(() => new TrainingSession(Spec("{interval: 10, samples: 600}"), 0, 1));

        Assert.Equal("eval.samples", error.Path);
    }
}
