namespace Platform.Training.Data;

/// <summary>The data a spec names is not on this machine; the message says how to get it.</summary>
public sealed class DatasetUnavailableException(string message) : Platform.Spec.UserInputException(message);
