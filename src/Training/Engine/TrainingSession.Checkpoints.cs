using Platform.Training.Checkpoints;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>The session's state on disk: checkpoints written and restored, and rollbacks to the last good one.</summary>
public sealed partial class TrainingSession
{
    /// <summary>
    /// After a step that decided to roll back: restores <paramref name="checkpoint"/> (the last good
    /// one) and arranges for the bad batch to be skipped when the run reaches it again; without a
    /// checkpoint, skips the bad batch where it is.
    /// </summary>
    public void RollBack(string? checkpoint)
    {
        var bad = Step;
        if (checkpoint is null)
        {
            losses.Add(float.NaN);
            Step++;
            batches.Advance();
            return;
        }

        Restore(checkpoint, withHealth: false);
        health?.RolledBack(bad);
    }

    public string SaveCheckpoint(string file)
    {
        var metadata = new CheckpointMetadata(
            Step, batches.Epoch, batches.Cursor / batches.Batch, spec.Seed, optimizer.Updates, WorldSize, spec.Model.Kind, [.. losses], health?.Save())
        {
            Normalization = data.Normalization,
            InputShape = data.SampleShape,
            Outputs = data.Outputs,
            BatchSchedule = batches.Save(),
            NoiseScale = noise?.Save(),
        };
        return CheckpointFile.Write(file, metadata, CheckpointTensors());
    }

    /// <summary>Loads model, optimizer and position from a checkpoint of the same model and seed.</summary>
    public void RestoreCheckpoint(string file) => Restore(file, withHealth: true);

    private void Restore(string file, bool withHealth)
    {
        var (metadata, tensors) = CheckpointFile.Read(file);
        try
        {
            if (metadata.Seed != spec.Seed)
            {
                throw new CheckpointMismatchException(file, $"it was written with seed {metadata.Seed}, this job has seed {spec.Seed}");
            }

            using var noGrad = no_grad();
            foreach (var (name, target) in CheckpointTensors())
            {
                if (!tensors.TryGetValue(name, out var source) || !source.shape.SequenceEqual(target.shape))
                {
                    throw new CheckpointMismatchException(file, $"it has no tensor {name} of shape [{string.Join(", ", target.shape)}]; was it written for another model?");
                }

                target.copy_(source);
            }

            data = data.WithNormalization(metadata.Normalization);
            Step = metadata.Step;
            batches.Restore(metadata.BatchSchedule, metadata.Step, metadata.Epoch, metadata.BatchInEpoch);
            noise?.Restore(metadata.NoiseScale);
            optimizer.Updates = metadata.OptimizerUpdates;
            losses = [.. metadata.LossHistory];
            if (withHealth && metadata.Health is { } state)
            {
                health?.Restore(state);
            }

            // An evaluation due at this step rides in the next one, as it would have without the restart.
            ScoreValidationIfDue();
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private IEnumerable<(string Name, Tensor Value)> CheckpointTensors() =>
        model.Module.state_dict().Select(kv => ($"model.{kv.Key}", kv.Value))
            .Concat(optimizer.State().Select(s => ($"optim.{s.Name}", s.Value)));
}
