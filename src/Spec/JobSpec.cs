namespace Platform.Spec;

/// <summary>A validated training job: what to train, on what, how, and for how long.</summary>
public sealed record JobSpec(
    string? Name,
    ModelSpec Model,
    DataSpec Data,
    OptimizerSpec Optimizer,
    ScheduleSpec Schedule,
    int BatchSize,
    int? Epochs,
    int? Steps,
    int Workers,
    int Seed,
    int? Threads,
    CheckpointSpec Checkpoint,
    AllreduceSpec Allreduce,
    PlacementSpec Placement,
    HealthSpec Health,
    TelemetrySpec Telemetry,
    IReadOnlyList<FaultSpec> Faults,
    RecoverySpec Recovery,
    ElasticSpec? Elastic)
{
    /// <summary>Periodic validation during training; off unless <c>eval.interval</c> is set.</summary>
    public EvalSpec Eval { get; init; } = EvalSpec.Off;

    /// <summary>A global batch that grows toward the measured critical batch; off unless <c>adaptive_batch.enabled</c>.</summary>
    public AdaptiveBatchSpec AdaptiveBatch { get; init; } = AdaptiveBatchSpec.Off;

    /// <summary>Where the job's tensors live: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; null: the silo's device (<c>platform silo --device</c>, default cpu).</summary>
    public string? Device { get; init; }

    /// <summary>How the step runs its tensors (<c>engine.host_fast_path</c>).</summary>
    public EngineSpec Engine { get; init; } = EngineSpec.Default;

    internal static JobSpec Read(SpecNode root)
    {
        var spec = new JobSpec(
            root.OptionalString("name"),
            ModelSpec.Read(root.Section("model")),
            DataSpec.Read(root.Section("data")),
            OptimizerSpec.Read(root.Section("optimizer")),
            ScheduleSpec.Read(root.Section("schedule")),
            BatchSize: root.Int("batch_size", 128, min: 1),
            Epochs: root.OptionalInt("epochs", min: 1),
            Steps: root.OptionalInt("steps", min: 1),
            Workers: root.Int("workers", 1, min: 1, max: 1024),
            Seed: root.Int("seed", 1),
            Threads: root.OptionalInt("threads", min: 1, max: 1024),
            Checkpoint: CheckpointSpec.Read(root.Section("checkpoint")),
            Allreduce: AllreduceSpec.Read(root.Section("allreduce")),
            Placement: PlacementSpec.Read(root.Section("placement")),
            Health: HealthSpec.Read(root.Section("health")),
            Telemetry: TelemetrySpec.Read(root.Section("telemetry")),
            Faults: [.. root.Sequence("faults").Select(FaultSpec.Read)],
            Recovery: RecoverySpec.Read(root.Section("recovery")),
            Elastic: ElasticSpec.Read(root, root.Int("workers", 1, min: 1, max: 1024)))
        {
            Eval = EvalSpec.Read(root.Section("eval")),
            AdaptiveBatch = AdaptiveBatchSpec.Read(root.Section("adaptive_batch"), root.Int("batch_size", 128, min: 1)),
            Device = ReadDevice(root),
            Engine = EngineSpec.Read(root.Section("engine")),
        };
        root.RejectUnknownKeys();
        spec.CheckCombinations();
        return spec.Epochs is null && spec.Steps is null ? spec with { Epochs = 1 } : spec;
    }

    private static string? ReadDevice(SpecNode root) => root.OptionalString("device") is { } device
        ? EngineSpec.IsDevice(device) ? device : throw new SpecException("device", EngineSpec.DeviceError(device))
        : null;

    private void CheckCombinations()
    {
        if (Epochs is not null && Steps is not null)
        {
            throw new SpecException("steps", "set either epochs or steps, not both");
        }

        if (BatchSize % Workers != 0)
        {
            throw new SpecException("batch_size", $"must be divisible by workers ({Workers}) so every rank gets the same share (got {BatchSize})");
        }

        CheckAdaptiveBatch();
        if (Elastic is not null && Placement.RanksPerSilo == 0)
        {
            throw new SpecException("elastic", "needs placement.ranks_per_silo > 0: without a limit every rank always fits, so the world size never changes");
        }

        if (Model.Kind == "cnn" && Data.Dataset is "blobs" or "adding")
        {
            throw new SpecException("model.kind", $"cnn needs image data (fashion-mnist or image files), not '{Data.Dataset}'");
        }

        if (Model.Kind == "cnn" && Data.Dataset == "fashion-mnist" && Model.Depth > 4)
        {
            throw new SpecException("model.depth", $"cnn halves 28x28 images once per stage, so at most 4 stages (got {Model.Depth})");
        }

        if (Data.Dataset == "adding" && Model.Kind == "cnn")
        {
            throw new SpecException("data.dataset", "adding is a sequence task; use model.kind rnn or mlp");
        }
    }

    private void CheckAdaptiveBatch()
    {
        var adaptive = AdaptiveBatch;
        if (!adaptive.Enabled)
        {
            return;
        }

        if (Steps is not null)
        {
            throw new SpecException("adaptive_batch.enabled", "set epochs, not steps: the batch changes during the run, so its length is counted in samples");
        }

        if (Workers < 2)
        {
            throw new SpecException("adaptive_batch.enabled", "needs workers >= 2: the noise scale it follows compares each rank's gradient with the averaged one");
        }

        if (!Health.Enabled && !Telemetry.Enabled)
        {
            throw new SpecException("adaptive_batch.enabled", "needs health or telemetry on: the noise scale comes from the per-step gradient statistics");
        }

        if (adaptive.Max < BatchSize)
        {
            throw new SpecException("adaptive_batch.max", $"must be at least batch_size ({BatchSize}), got {adaptive.Max}");
        }

        if (adaptive.Max % Workers != 0)
        {
            throw new SpecException("adaptive_batch.max", $"must be divisible by workers ({Workers}) so every rank gets the same share (got {adaptive.Max})");
        }
    }
}
