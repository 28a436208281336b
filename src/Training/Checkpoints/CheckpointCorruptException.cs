namespace Platform.Training.Checkpoints;

/// <summary>A checkpoint file that is truncated, altered or not a checkpoint at all.</summary>
public sealed class CheckpointCorruptException(string path, string reason) : Platform.Spec.UserInputException($"checkpoint {path} is unusable: {reason}");
