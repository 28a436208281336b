using Platform.Silo.Hosting;

namespace Platform.Client.Tests.Commands;

/// <summary>Every kind of bad input ends with one clear line on stderr and exit code 2, never a stack trace.</summary>
public sealed class BadInputTests
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public Task Missing_spec_file() => ExpectAsync("spec file not found: nope.yaml", "train", "nope.yaml");

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public Task Empty_spec_file(string text) => ExpectAsync("the spec file is empty: ", "train", Write(text));

    [Fact]
    public Task Malformed_yaml() => ExpectAsync("malformed YAML", "train", Write("model:\n  kind: mlp\n bad: [1"));

    [Fact]
    public Task Unknown_key() => ExpectAsync("model.layers: unknown key", "train", Write("model: {kind: mlp, layers: 3}"));

    [Fact]
    public Task Negative_learning_rate() => ExpectAsync("optimizer.lr: must be > 0 (got -0.1)", "train", Repo.Example("fashion-mlp.yaml"), "--set", "optimizer.lr=-0.1");

    [Fact]
    public Task Zero_batch_size() => ExpectAsync("batch_size: must be >= 1 (got 0)", "train", Write("batch_size: 0"));

    [Fact]
    public Task Unknown_model_kind() => ExpectAsync("model.kind: unknown value 'resnet'", "train", Write("model: {kind: resnet}"));

    [Fact]
    public Task Missing_dataset() =>
        ExpectAsync("data.dir: Fashion-MNIST file train-images-idx3-ubyte.gz not found", "train", Repo.Example("fashion-mlp.yaml"), "--set", "data.dir=/nonexistent/fashion");

    [Fact]
    public Task Unknown_option() => ExpectAsync("unknown option --epoch", "train", Repo.Example("fashion-mlp.yaml"), "--epoch", "3");

    [Fact]
    public Task Unknown_command() => ExpectAsync("unknown command 'trian'", "trian");

    [Fact]
    public Task Resume_with_nothing_to_resume() => ExpectAsync("--resume: no checkpointed job of 'fashion-mlp'", "train", Repo.Example("fashion-mlp.yaml"), "--resume");

    [Fact]
    public Task Report_that_is_not_a_png() => ExpectAsync("--report must name a .png file (got 'r.txt')", "train", Repo.Example("fashion-mlp.yaml"), "--report", "r.txt");

    [Fact]
    public Task Report_into_a_missing_folder() => ExpectAsync("--out: folder", "report", "some-job", "--cluster", "127.0.0.1:1", "--out", "/nonexistent/r.png");

    [Fact]
    public Task Metrics_port_with_a_cluster() =>
        ExpectAsync("--metrics-port is for the silo inside `train`", "train", Repo.Example("fashion-mlp.yaml"), "--cluster", "127.0.0.1:1", "--metrics-port", "9999");

    [Fact]
    public Task Fault_naming_an_unknown_kind() =>
        ExpectAsync("faults[0].kind: unknown value 'fire'", "train", Repo.Example("fashion-mlp.yaml"), "--set", "faults=[{step: 1, kind: fire}]");

    [Fact]
    public Task Saturation_tolerance_out_of_range() =>
        ExpectAsync("telemetry.saturation_tolerance: must be", "train", Repo.Example("fashion-mlp.yaml"), "--set", "telemetry.saturation_tolerance=2");

    [Fact]
    public Task Policy_naming_an_unknown_action() =>
        ExpectAsync("health.policy.vanishing[0]: unknown value 'pray'", "train", Repo.Example("deep-sigmoid.yaml"), "--set", "health.policy.vanishing=[pray]");

    [Fact]
    public Task Negative_health_threshold() =>
        ExpectAsync("health.vanishing.threshold: must be >= 0 (got -0.5)", "train", Repo.Example("deep-sigmoid.yaml"), "--set", "health.vanishing.threshold=-0.5");

    [Fact]
    public Task Silo_with_an_unknown_storage() => ExpectAsync("--storage: unknown value 'mongo' (expected: memory, redis, postgres)", "silo", "--storage", "mongo");

    [Fact]
    public Task Silo_with_redis_storage_and_no_connection() => ExpectAsync("--storage redis needs --redis CONNECTION", "silo", "--storage", "redis");

    [Fact]
    public Task Silo_with_postgres_storage_and_no_connection() => ExpectAsync("--storage postgres needs --postgres CONNECTION", "silo", "--storage", "postgres");

    [Fact]
    public Task Silo_with_a_postgres_connection_that_is_not_one() =>
        ExpectAsync("--postgres: not an Npgsql connection string", "silo", "--storage", "postgres", "--postgres", "127.0.0.1:5432");

    [Fact]
    public Task Silo_with_a_postgres_connection_and_other_storage() =>
        ExpectAsync("--postgres applies only with --storage postgres", "silo", "--storage", "memory", "--postgres", "Host=127.0.0.1");

    [Fact]
    public async Task Silo_whose_postgres_is_unreachable()
    {
        var port = Endpoints.FreePort();
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(
            work, "silo", "--silo-port", $"{Endpoints.FreePort()}", "--gateway-port", "0", "--metrics-port", "0",
            "--storage", "postgres", "--postgres", $"Host=127.0.0.1;Port={port};Username=platform;Database=platform");

        Assert.Equal(1, exit);
        Assert.Equal($"error: the silo could not start: PostgreSQL at 127.0.0.1:{port} (--postgres) could not be used for job records: Connection refused", stderr.Trim());
        Assert.DoesNotContain("Exception", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public Task Silo_with_a_missing_checkpoint_folder() => ExpectAsync("--checkpoint-dir: folder /nonexistent/ckpt does not exist", "silo", "--checkpoint-dir", "/nonexistent/ckpt");

    [Fact]
    public Task Unknown_device() => ExpectAsync("device: unknown device 'gpu' (expected cpu, cuda or cuda:N)", "train", Repo.Example("fashion-mlp.yaml"), "--device", "gpu");

    [Theory]
    [InlineData("train", "device")]
    [InlineData("silo", "--device")]
    public async Task Cuda_where_libtorch_is_built_for_cpu_is_one_line_saying_how_to_get_it(string command, string field)
    {
        string[] args = command == "train"
            ? ["train", Repo.Example("fashion-mlp.yaml"), "--device", "cuda:0"]
            : ["silo", "--device", "cuda:0", "--silo-port", $"{Endpoints.FreePort()}", "--gateway-port", "0", "--metrics-port", "0"];

        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, args);

        Assert.Equal(2, exit);
        Assert.Equal($"error: {field}: cuda:0: this libtorch is built for CPU only (no libtorch_cuda.so beside it); use the image built with TORCH=cuda (docker build --build-arg TORCH=cuda), or device: cpu", stderr.Trim());
        Assert.DoesNotContain("ready", stdout, StringComparison.Ordinal);
    }

    private async Task ExpectAsync(string message, params string[] args)
    {
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(work, args);

        Assert.Equal(2, exit);
        Assert.Contains($"error: {message}", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr + stdout, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var file = Path.Combine(work, $"spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }
}
