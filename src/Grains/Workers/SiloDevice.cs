namespace Platform.Grains.Workers;

/// <summary>The device this silo's ranks train on when a job names none (<c>platform silo --device</c>); a job's plain <c>cuda</c> takes its GPU index.</summary>
public sealed class SiloDevice
{
    /// <summary><c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Name { get; init; } = "cpu";
}
