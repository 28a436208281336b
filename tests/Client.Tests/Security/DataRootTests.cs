using Platform.Bench.Cluster;

namespace Platform.Client.Tests.Security;

/// <summary>A silo started with <c>--data-root</c> reads only data inside it; a spec pointing elsewhere is refused as bad input naming the field.</summary>
public sealed class DataRootTests
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Data_outside_the_silos_data_root_is_refused_naming_the_field_and_data_inside_trains()
    {
        await using var silo = await SiloProcess.StartAsync(Repo.PlatformDll, work, "--data-root", Path.GetDirectoryName(FashionMnist)!);
        string[] job = ["train", Repo.Example("fashion-mlp.yaml"), "--steps", "5", "--set", "data.limit=640", "--cluster", silo.Gateway];

        var inside = await PlatformProcess.RunAsync(work, [.. job, "--set", $"data.dir={FashionMnist}"]);
        Assert.True(inside.Exit == 0, inside.Stderr);

        var outsideDir = Path.Combine(work, "copy");
        Directory.CreateDirectory(outsideDir);
        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, [.. job, "--set", $"data.dir={outsideDir}"]);
        Assert.Equal(2, exit);
        Assert.Contains($"error: data.dir: {outsideDir} is outside this cluster's data root {Path.GetDirectoryName(FashionMnist)}", stderr, StringComparison.Ordinal);
    }
}
