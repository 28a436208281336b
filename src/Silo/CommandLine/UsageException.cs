namespace Platform.Silo.CommandLine;

/// <summary>A command line that cannot be run as given; the message says what is wrong.</summary>
public sealed class UsageException(string message) : Platform.Spec.UserInputException(message);
