namespace Platform.Grains.Workers;

/// <summary>The health policy's <c>stop</c> action: the job ends as failed, with the policy's reason.</summary>
internal sealed class HealthStopException(string reason) : Exception(reason);
