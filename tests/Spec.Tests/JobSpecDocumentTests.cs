namespace Platform.Spec.Tests;

public sealed class JobSpecDocumentTests
{
    private const string Full = """
        model: {kind: mlp, depth: 10, width: 256, activation: sigmoid, init: default, norm: none, residual: false}
        data: {dataset: fashion-mnist, dir: null, limit: null}
        optimizer: {kind: sgd, lr: 0.1, momentum: 0.9, weight_decay: 0}
        schedule: {kind: constant, warmup_steps: 0}
        batch_size: 128
        epochs: 2
        workers: 1
        seed: 1
        checkpoint: {dir: checkpoints, interval: 200}
        health: {}
        """;

    [Fact]
    public void Reads_every_documented_key()
    {
        var spec = JobSpecDocument.Parse(Full).Validate();

        Assert.Equal(new ModelSpec("mlp", 10, 256, ActivationKind.Sigmoid, WeightInit.Default, NormKind.None, false, CellKind.Lstm), spec.Model);
        Assert.Equal("fashion-mnist", spec.Data.Dataset);
        Assert.Null(spec.Data.Limit);
        Assert.Equal((OptimizerKind.Sgd, 0.1, 0.9), (spec.Optimizer.Kind, spec.Optimizer.Lr, spec.Optimizer.Momentum));
        Assert.Equal((128, 2, (int?)null, 1, 1), (spec.BatchSize, spec.Epochs!.Value, spec.Steps, spec.Workers, spec.Seed));
        Assert.Equal(new CheckpointSpec("checkpoints", 200, 3), spec.Checkpoint);
    }

    [Fact]
    public void Recovery_has_defaults_and_elastic_picks_the_largest_world_that_fits_and_divides_the_batch()
    {
        var plain = JobSpecDocument.Parse("workers: 3\nbatch_size: 96").Validate();
        Assert.Equal(new RecoverySpec(60, 3, 30), plain.Recovery);
        Assert.Null(plain.Elastic);

        var elastic = JobSpecDocument.Parse("workers: 4\nbatch_size: 96\nelastic: {min: 2}\nplacement: {ranks_per_silo: 1}").Validate().Elastic!;
        Assert.Equal(new ElasticSpec(2, 4), elastic);
        Assert.Equal(4, elastic.Largest(fit: 10, globalBatch: 96));
        Assert.Equal(3, elastic.Largest(fit: 3, globalBatch: 96));
        Assert.Equal(2, elastic.Largest(fit: 3, globalBatch: 100)); // 3 does not divide 100
        Assert.Null(elastic.Largest(fit: 1, globalBatch: 96));
    }

    [Fact]
    public void Empty_document_gets_defaults()
    {
        var spec = JobSpecDocument.Parse("").Validate();

        Assert.Equal("mlp", spec.Model.Kind);
        Assert.Equal(1, spec.Epochs);
    }

    [Theory]
    [InlineData("model: {kind: mlp, dpeth: 3}", "model.dpeth: unknown key")]
    [InlineData("modle: {kind: mlp}", "modle: unknown key")]
    [InlineData("optimizer: {lr: -0.1}", "optimizer.lr: must be > 0 (got -0.1)")]
    [InlineData("batch_size: 0", "batch_size: must be >= 1 (got 0)")]
    [InlineData("model: {kind: transformer}", "model.kind: unknown value 'transformer' (expected one of: mlp, cnn, rnn")]
    [InlineData("model: {depth: many}", "model.depth: must be an integer (got 'many')")]
    [InlineData("optimizer: {momentum: 1}", "optimizer.momentum: must be < 1")]
    [InlineData("epochs: 2\nsteps: 100", "steps: set either epochs or steps, not both")]
    [InlineData("batch_size: 100\nworkers: 3", "batch_size: must be divisible by workers (3)")]
    [InlineData("model: {kind: cnn}\ndata: {dataset: blobs}", "model.kind: cnn needs image data")]
    [InlineData("health: {rules: []}", "health.rules: unknown key")]
    [InlineData("health: {policy: {vanishng: [clip]}}", "health.policy.vanishng: unknown key (expected one of: all_zero, dead_relu, diverging, exploding,")]
    [InlineData("health: {policy: {spike: [clip, explode]}}", "health.policy.spike[1]: unknown value 'explode' (expected one of: clip, skip,")]
    [InlineData("health: {vanishing: {threshold: -1}}", "health.vanishing.threshold: must be >= 0 (got -1)")]
    [InlineData("health: {exploding: {max_norm: 0}}", "health.exploding.max_norm: must be > 0")]
    [InlineData("health: {mode: fix}", "health.mode: unknown value 'fix' (expected one of: act, observe)")]
    [InlineData("health: {remedies: {lr_factor: 2}}", "health.remedies.lr_factor: must be")]
    [InlineData("eval: {interval: -1}", "eval.interval: must be >= 0")]
    [InlineData("eval: {every: 10}", "eval.every: unknown key")]
    [InlineData("health: {loss: {diverge_factor: 1}}", "health.loss.diverge_factor: must be > 1")]
    [InlineData("model: 3", "model: must be a mapping of settings")]
    [InlineData("telemetry: {enabled: maybe}", "telemetry.enabled: must be true or false")]
    [InlineData("telemetry: {saturation_tolerance: 0.7}", "telemetry.saturation_tolerance: must be")]
    [InlineData("faults: [{kind: nan}]", "faults[0].step: is required")]
    [InlineData("faults: [{step: 3, kind: nan}, {step: 4, kind: fire}]", "faults[1].kind: unknown value 'fire' (expected one of: nan, inf, scale, stall)")]
    [InlineData("faults: [{step: 3, kind: stall, seconds: 0}]", "faults[0].seconds: must be > 0")]
    [InlineData("recovery: {step_timeout_seconds: 0}", "recovery.step_timeout_seconds: must be between 1 and 86400 (got 0)")]
    [InlineData("recovery: {max_restarts: 2}", "recovery.max_restarts: unknown key")]
    [InlineData("allreduce: {timeout_seconds: 5}", "allreduce.timeout_seconds: unknown key")]
    [InlineData("workers: 2\nelastic: {min: 3, max: 2}", "elastic.min: must be <= elastic.max (2) (got 3)")]
    [InlineData("workers: 1\nelastic: {min: 2, max: 4}", "workers: must be within elastic.min..elastic.max (2..4) (got 1)")]
    [InlineData("elastic: {minimum: 1}", "elastic.minimum: unknown key")]
    [InlineData("model: {kind: mlp, blocks: 2}", "model.blocks: only for model kind cnn")]
    [InlineData("model: {kind: cnn, blocks: -1}", "model.blocks: must be between 0 and 100")]
    [InlineData("workers: 2\nelastic: {min: 1}", "elastic: needs placement.ranks_per_silo > 0")]
    [InlineData("faults: [{step: 3, count: 0}]", "faults[0].count: must be >= 1")]
    [InlineData("faults: {step: 3}", "faults: must be a list")]
    [InlineData("faults: [3]", "faults[0]: must be a mapping of settings")]
    [InlineData("- a\n- b", "a job spec must be a YAML mapping")]
    public void Invalid_specs_name_the_field_and_the_reason(string yaml, string expected)
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse(yaml).Validate());

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Malformed_yaml_reports_the_position()
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse("model: {kind: mlp\nepochs: [").Validate());

        Assert.StartsWith("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_block_yaml_reports_line_and_column()
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse("model:\n  kind: mlp\n bad: [1").Validate());

        Assert.StartsWith("malformed YAML at line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Load("no/such/spec.yaml"));

        Assert.Equal("spec file not found: no/such/spec.yaml", error.Message);
    }

    [Fact]
    public void Set_overrides_nested_fields_and_creates_sections()
    {
        var spec = JobSpecDocument.Parse(Full)
            .Set("optimizer.lr=0.01")
            .Set("data.limit=5000")
            .Set("schedule.kind=cosine")
            .Set("model.residual=true")
            .Validate();

        Assert.Equal(0.01, spec.Optimizer.Lr);
        Assert.Equal(5000, spec.Data.Limit);
        Assert.Equal(ScheduleKind.Cosine, spec.Schedule.Kind);
        Assert.True(spec.Model.Residual);
    }

    [Fact]
    public void Cnn_blocks_default_to_one_with_residual_and_none_without()
    {
        Assert.Equal(0, JobSpecDocument.Parse("model: {kind: cnn}").Validate().Model.BlocksPerStage);
        Assert.Equal(1, JobSpecDocument.Parse("model: {kind: cnn, residual: true}").Validate().Model.BlocksPerStage);
        Assert.Equal(4, JobSpecDocument.Parse("model: {kind: cnn, blocks: 4}").Validate().Model.BlocksPerStage);
    }

    [Fact]
    public void Set_values_are_validated_like_file_values()
    {
        var document = JobSpecDocument.Parse(Full).Set("optimizer.typo=1");

        Assert.StartsWith("optimizer.typo: unknown key", Assert.Throws<SpecException>(document.Validate).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=3")]
    [InlineData("a..b=3")]
    public void Set_rejects_malformed_assignments(string assignment)
    {
        Assert.Throws<SpecException>(() => JobSpecDocument.Parse(Full).Set(assignment));
    }

    [Fact]
    public void Set_into_a_scalar_names_the_path()
    {
        var error = Assert.Throws<SpecException>(() => JobSpecDocument.Parse(Full).Set("epochs.x=1"));

        Assert.Equal("epochs: is a single value; cannot set a key inside it", error.Message);
    }

    [Fact]
    public void Yaml_round_trip_keeps_overrides()
    {
        var text = JobSpecDocument.Parse(Full).Set("optimizer.lr=0.5").Remove("epochs").Set("steps", 10).ToYaml();
        var spec = JobSpecDocument.Parse(text).Validate();

        Assert.Equal(0.5, spec.Optimizer.Lr);
        Assert.Equal((int?)null, spec.Epochs);
        Assert.Equal(10, spec.Steps);
    }

    [Fact]
    public void Every_example_spec_is_valid()
    {
        var examples = Path.Combine(RepoRoot(), "examples");
        var files = Directory.GetFiles(examples, "*.yaml");

        Assert.NotEmpty(files);
        Assert.All(files, f => JobSpecDocument.Load(f).Validate());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test folder");
    }
}
