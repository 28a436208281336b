using Platform.Training.Checkpoints;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Checkpoints;

public sealed class CheckpointFileTests
{
    private static readonly CheckpointMetadata Meta = new(12, 1, 2, 7, 12, 1, "mlp", [1.5f, float.NaN]);

    [Fact]
    public void Round_trips_tensors_of_any_type_and_the_header()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "a.ckpt");
        using var weights = randn(3, 4);
        using var counts = tensor(new long[] { 5, 6 });

        CheckpointFile.Write(file, Meta, [("w", weights), ("n", counts)]);
        var (metadata, tensors) = CheckpointFile.Read(file);

        Assert.Equal(Meta.Step, metadata.Step);
        Assert.True(float.IsNaN(metadata.LossHistory[1]));
        Assert.True(weights.eq(tensors["w"]).all().item<bool>());
        Assert.True(counts.eq(tensors["n"]).all().item<bool>());
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void A_flipped_byte_is_detected()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "a.ckpt");
        using var weights = randn(100);
        CheckpointFile.Write(file, Meta, [("w", weights)]);
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        Assert.False(CheckpointFile.Verify(file));
        var error = Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.Read(file));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_detected()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "a.ckpt");
        using var weights = randn(100);
        CheckpointFile.Write(file, Meta, [("w", weights)]);
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..200]);

        Assert.False(CheckpointFile.Verify(file));
    }

    [Fact]
    public void Directory_keeps_the_newest_and_skips_corrupt_ones()
    {
        var dir = new CheckpointDirectory(Directory.CreateTempSubdirectory().FullName);
        using var weights = randn(10);
        foreach (var step in new[] { 10, 20, 30, 40 })
        {
            var sha = CheckpointFile.Write(dir.FileFor(step), Meta with { Step = step }, [("w", weights)]);
            dir.Add(new CheckpointEntry(step, Path.GetFileName(dir.FileFor(step)), sha), keep: 3);
        }

        Assert.Equal([20, 30, 40], dir.Entries().Select(e => e.Step));
        Assert.False(File.Exists(dir.FileFor(10)));

        File.WriteAllText(dir.FileFor(40), "torn");
        Assert.Equal(30, dir.Latest(CheckpointFile.Verify)?.Entry.Step);
    }
}
