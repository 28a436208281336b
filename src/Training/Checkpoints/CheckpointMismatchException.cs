namespace Platform.Training.Checkpoints;

/// <summary>A valid checkpoint that belongs to a different model or seed than the job resuming from it.</summary>
public sealed class CheckpointMismatchException(string path, string reason) : Platform.Spec.UserInputException($"cannot resume from {path}: {reason}");
