namespace Platform.Grains.Jobs;

/// <summary>
/// Where a silo's jobs keep their checkpoints: under <see cref="CheckpointRoot"/> (a shared volume on a
/// cluster, <c>platform silo --checkpoint-dir</c>) when set, otherwise under the spec's <c>checkpoint.dir</c>.
/// </summary>
public sealed class JobStorageSettings
{
    public string? CheckpointRoot { get; init; }

    /// <summary>The folder every data path of a spec must be inside (<c>platform silo --data-root</c>); null: any path.</summary>
    public string? DataRoot { get; init; }

    public string CheckpointDirFor(string jobId, string specDir) => Path.Combine(CheckpointRoot ?? specDir, jobId);
}
