namespace Platform.Spec;

/// <summary>
/// A mistake of the user's, in a spec, a command line, a data set, a checkpoint or the placement it
/// asks for: the message says what to change, in one line. The only exception that the command
/// line, the coordinator and the workers report as bad input (exit 2); anything else is an
/// internal error (exit 1, details in the log).
/// </summary>
public abstract class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
