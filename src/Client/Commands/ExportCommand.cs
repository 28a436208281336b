using Platform.Silo.CommandLine;
using Platform.Training.Checkpoints;
using Platform.Training.Export;

namespace Platform.Client.Commands;

/// <summary>
/// <c>platform export PATH --out FILE.safetensors</c>: the latest good checkpoint of a job's checkpoint
/// folder (or one checkpoint file) as safetensors that PyTorch loads with <c>load_state_dict</c>.
/// </summary>
internal static class ExportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var path = reader.Positional(0, "PATH (a job's checkpoint folder, checkpoints/<job id>, or one checkpoint file)");
        var output = reader.Value("out") ?? throw new UsageException("export needs --out FILE.safetensors");
        reader.Done(maxPositionals: 1);
        if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } folder && !Directory.Exists(folder))
        {
            throw new UsageException($"--out: folder {folder} does not exist");
        }

        var (checkpoint, skipped) = GoodCheckpoint(path);
        foreach (var step in skipped)
        {
            await Console.Error.WriteLineAsync($"skipped the checkpoint of step {step}: its checksum does not match (truncated or altered)");
        }

        return await Cli.Print(WeightExport.Write(checkpoint, output), Cli.Ok);
    }

    /// <summary>The file itself when it verifies, or the newest checkpoint of the folder that does.</summary>
    private static (string File, List<int> Skipped) GoodCheckpoint(string path)
    {
        if (File.Exists(path))
        {
            return CheckpointFile.Verify(path)
                ? (path, [])
                : throw new UsageException($"{path}: not a good checkpoint (not a checkpoint, or its checksum does not match: truncated or altered)");
        }

        if (!Directory.Exists(path))
        {
            throw new UsageException($"{path}: no such checkpoint folder or file");
        }

        var skipped = new List<CheckpointEntry>();
        var latest = new CheckpointDirectory(path).Latest(CheckpointFile.Verify, skipped);
        return latest is { } found
            ? (found.File, [.. skipped.Select(s => s.Step)])
            : throw new UsageException(skipped.Count == 0
                ? $"{path}: no checkpoints here (a job's folder is checkpoints/<job id>, with a manifest.json)"
                : $"{path}: no good checkpoint: all {skipped.Count} listed in its manifest fail their checksum");
    }
}
