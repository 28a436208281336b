using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;

namespace Platform.Client.Tests.Commands;

/// <summary>A user's own model assembly (examples/own-model), trained as the README says: embedded, and on a cluster that never sees the file.</summary>
public sealed class OwnModelTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task A_model_from_its_own_assembly_trains_fashion_mnist_embedded_and_exports_its_weights()
    {
        // One torch thread: the suite trains other jobs beside this one, and two threads per job oversubscribe two cores.
        var spec = UserBuild(work, extra: "threads: 1");

        var summary = await TrainAsync(work, spec);

        var accuracy = summary["test_accuracy"]!.GetValue<double>();
        Assert.True(accuracy >= 0.85, $"test accuracy {accuracy:0.0000} after 2 epochs");
        var folder = Path.Combine(work, "checkpoints", summary["job_id"]!.GetValue<string>());
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, "export", folder, "--out", "weights.safetensors");
        Assert.True(exit == 0, stderr);
        Assert.Contains("weights.safetensors: ", stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(work, "weights.safetensors")).Length > 100_000);

        // With every checkpoint damaged there is nothing good to export: one line, exit 2.
        foreach (var file in Directory.GetFiles(folder, "*.ckpt"))
        {
            await using var stream = File.OpenWrite(file);
            stream.SetLength(stream.Length - 1);
        }

        (exit, _, stderr) = await PlatformProcess.RunAsync(work, "export", folder, "--out", "again.safetensors");
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {folder}: no good checkpoint", stderr.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(work, "again.safetensors")));
    }

    [Fact]
    public async Task Two_ranks_on_two_silo_processes_train_a_model_whose_file_they_never_see()
    {
        var client = Directory.CreateDirectory(Path.Combine(work, "client")).FullName;
        // Two silos on this machine: one torch thread each, so they do not compete for its cores.
        var spec = UserBuild(client, extra: "threads: 1");
        var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, Directory.CreateDirectory(Path.Combine(work, "silos")).FullName, 2, null, "--allow-user-code");
        try
        {
            var cluster = string.Join(',', silos.Select(s => s.Gateway));
            var (exit, jobId, stderr) = await PlatformProcess.RunAsync(client, "submit", spec, "--workers", "2", "--set", "allreduce.transport=tcp", "--cluster", cluster);
            Assert.True(exit == 0, stderr);

            // The code travelled with the submission: the user's build folder can go at once.
            Directory.Delete(Path.Combine(client, "build"), recursive: true);
            var status = await WaitForEndAsync(client, jobId.Trim(), cluster);

            Assert.StartsWith($"{jobId.Trim()}: completed", status, StringComparison.Ordinal);
            var accuracy = double.Parse(status.Split("test accuracy ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(accuracy >= 0.85, $"test accuracy {accuracy:0.0000} after 2 epochs on 2 ranks");
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_silo_that_does_not_allow_user_code_refuses_the_job_in_one_line()
    {
        var spec = UserBuild(work);
        await using var silo = await SiloProcess.StartAsync(Repo.PlatformDll, work);

        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "train", spec, "--cluster", silo.Gateway);

        Assert.Equal(2, exit);
        var error = stderr.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("model.kind: silo ", error, StringComparison.Ordinal);
        Assert.Contains("does not run user code (assembly models and TorchScript files); its operator must start it with --allow-user-code", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("path: build/Missing.dll", "error: model.path: file not found: ")]
    [InlineData("path: spec.yaml", "spec.yaml (the model's assembly) is not a .NET assembly")]
    [InlineData("type: MyCompany.Models.Nope", "error: model.type: no type MyCompany.Models.Nope in MyModels; its models are: MyCompany.Models.ResidualBlock, MyCompany.Models.ResidualNet")]
    public async Task A_bad_model_is_one_line_naming_the_field_and_exit_2(string change, string expected)
    {
        var spec = UserBuild(work, change);

        var (exit, _, stderr) = await PlatformProcess.RunAsync(work, "train", spec, "--steps", "5");

        Assert.Equal(2, exit);
        var error = stderr.Split('\n').Last(l => l.Length > 0);
        Assert.StartsWith("error: model.", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A user's folder: their build output in <c>build/</c> and the example spec pointing at it by a
    /// relative path, with one line of its model replaced (<paramref name="modelLine"/>, such as
    /// <c>type: A.B</c>) and <paramref name="extra"/> top-level lines added when asked.
    /// </summary>
    private static string UserBuild(string folder, string? modelLine = null, string extra = "")
    {
        var build = Directory.CreateDirectory(Path.Combine(folder, "build")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "MyModels.dll"), Path.Combine(build, "MyModels.dll"), overwrite: true);
        var text = File.ReadAllText(Repo.Example("own-model/own-model.yaml"))
            .Replace("path: examples/own-model/build/MyModels.dll", "path: build/MyModels.dll", StringComparison.Ordinal);
        if (modelLine is not null)
        {
            var key = modelLine.Split(':')[0];
            text = string.Join('\n', text.Split('\n').Select(l => l.StartsWith($"  {key}:", StringComparison.Ordinal) ? $"  {modelLine}" : l));
        }

        var spec = Path.Combine(folder, "spec.yaml");
        File.WriteAllText(spec, $"{text}\n{extra}\n");
        return spec;
    }

    private static async Task<JsonObject> TrainAsync(string folder, string spec)
    {
        var (exit, _, stderr) = await PlatformProcess.RunAsync(folder, "train", spec, "--summary", "summary.json");
        Assert.True(exit == 0, $"platform train exited {exit}: {stderr}");
        return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "summary.json")))!.AsObject();
    }

    private static async Task<string> WaitForEndAsync(string folder, string jobId, string cluster)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (_, stdout, _) = await PlatformProcess.RunAsync(folder, "status", jobId, "--cluster", cluster);
            if (stdout.Contains(": completed", StringComparison.Ordinal) || stdout.Contains(": failed", StringComparison.Ordinal) || clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                return stdout;
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
