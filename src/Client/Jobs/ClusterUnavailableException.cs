namespace Platform.Client;

/// <summary>The cluster named by <c>--cluster</c> could not be reached.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
