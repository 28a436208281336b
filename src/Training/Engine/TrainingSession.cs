using System.Diagnostics;
using Platform.Spec;
using Platform.Training.Data;
using Platform.Training.Health;
using Platform.Training.Models;
using Platform.Training.Models.UserCode;
using Platform.Training.Optim;
using Platform.Training.Parallel;
using Platform.Training.Runtime;
using Platform.Training.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// One rank's replica: the model, its optimizer and its shard of the data. Steps are synchronous
/// and run on one thread, because TorchSharp's dispose scopes are per thread.
/// </summary>
public sealed partial class TrainingSession : IDisposable
{
    private const int EvalChunk = 1000;
    private readonly JobSpec spec;
    private DatasetPair data;
    private readonly TrainableModel model;
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly IOptimizer optimizer;
    private readonly ShardSampler sampler;
    private readonly BatchSchedule batches;
    private readonly LearningRateSchedule schedule;
    private readonly GradientBuffer gradients;
    private readonly FaultInjector faults;
    private readonly LayerStatistics? statistics;
    private readonly ActivationMonitor? activations;
    private readonly HealthMonitor? health;
    private readonly BucketedExchange? buckets;
    private List<float> losses = [];
    private readonly ValidationSet? validation;
    private readonly NoiseScaleEstimator? noise;

    /// <summary>
    /// A replica of rank <paramref name="rank"/> of <paramref name="worldSize"/>; <paramref name="code"/> is the
    /// user's model code shipped with the job (model.kind assembly or torchscript), <paramref name="threads"/>
    /// the torch thread count when the spec sets none (default: one per core), <paramref name="siloDevice"/>
    /// the device of the silo (<c>platform silo --device</c>) for a spec that names none.
    /// </summary>
    public TrainingSession(JobSpec spec, int rank, int worldSize, ModelCode? code = null, int? threads = null, string siloDevice = "cpu")
    {
        this.spec = spec;
        Rank = rank;
        WorldSize = worldSize;
        // A device that cannot be used here is refused before the data and the model are built.
        Device = ComputeDevice.Open(ComputeDevice.Choose(spec.Device, siloDevice));
        HostFast = Device.type == DeviceType.CPU && spec.Engine.HostFastPath;
        Threads = spec.Threads ?? threads ?? Environment.ProcessorCount;
        TorchRuntime.SetThreads(Threads);
        data = DatasetFactory.Create(spec.Data, spec.Seed);
        model = ModelFactory.Build(spec.Model, data.SampleShape, data.Outputs, spec.Seed, code);
        if (Device.type != DeviceType.CPU)
        {
            model.Module.to(Device);
        }

        parameters = model.Module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        optimizer = OptimizerFactory.Create(spec.Optimizer, parameters, HostFast);
        faults = new FaultInjector(spec.Faults, parameters);
        // The health rules read the same statistics, so they run whenever either is on.
        if (spec.Telemetry.Enabled || spec.Health.Enabled)
        {
            statistics = new LayerStatistics(parameters, HostFast);
            activations = new ActivationMonitor(model.Module, spec.Telemetry.SaturationTolerance, HostFast);
        }

        Layout = new TelemetryLayout([.. parameters.Select(p => p.Name)], activations?.Names ?? []);
        PublishedLayout = spec.Telemetry.Enabled ? Layout : TelemetryLayout.None;
        health = spec.Health.Enabled ? new HealthMonitor(spec.Health, Layout, spec.Eval, spec.Optimizer.Lr) : null;
        validation = spec.Eval.Enabled ? new ValidationSet(spec.Eval, data.Train.Count, parameters) : null;
        gradients = new GradientBuffer(parameters, extras: (2 * Layout.Activations.Count) + ValidationSet.Extras(validation) + 4, HostFast ? null : Device);
        noise = worldSize > 1 && statistics is not null ? new NoiseScaleEstimator() : null;
        // Buckets copy each gradient out of its CPU memory as backward finishes it: the host path only.
        if (worldSize > 1 && spec.Allreduce.BucketKb > 0 && HostFast)
        {
            buckets = new BucketedExchange(gradients, new BackwardSignals(model.Module, parameters), spec.Allreduce.BucketKb * 256);
        }

        // The validation samples are the training set's last ones, held out of every epoch.
        sampler = new ShardSampler(data.Train.Count - (validation?.Count ?? 0), spec.BatchSize, rank, worldSize, spec.Seed);
        batches = new BatchSchedule(sampler.Count, spec.BatchSize, worldSize, spec.AdaptiveBatch);
        // A growing batch runs the schedule on the samples seen, in steps of the starting batch, so it ends with the data.
        schedule = new LearningRateSchedule(spec.Schedule, spec.Optimizer.Lr, spec.Steps ?? (spec.Epochs!.Value * sampler.BatchesPerEpoch));
    }

    public int Rank { get; }

    /// <summary>Where this replica's step time goes, phase by phase.</summary>
    public StepPhases Phases { get; } = new();

    /// <summary>Torch threads this replica set for its process.</summary>
    public int Threads { get; }

    public int WorldSize { get; }

    /// <summary>Updates applied so far.</summary>
    public int Step { get; private set; }

    /// <summary>All steps taken, or the health policy ended the run early (<c>early_stop</c>).</summary>
    public bool Finished => Step >= TotalSteps || StoppedEarly;

    /// <summary>Whether <c>early_stop</c> ended the run before its last step.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>The periodic evaluations so far, in step order (none without <c>eval.interval</c>).</summary>
    public IReadOnlyList<ValidationResult> Validations => validation?.History ?? [];

    public IReadOnlyList<float> Losses => losses;

    /// <summary>The model's parameters by name, in the order the telemetry arrays follow.</summary>
    public IReadOnlyList<(string Name, Tensor Param)> Parameters => parameters;

    /// <summary>How raw inputs become the model's inputs; after a restore, the checkpoint's.</summary>
    public InputNormalization? Normalization => data.Normalization;

    /// <summary>The parameter and activation names that the per-layer telemetry arrays follow.</summary>
    public TelemetryLayout Layout { get; }

    /// <summary>The layout of the published steps: <see cref="Layout"/>, or none with <c>telemetry.enabled: false</c>.</summary>
    public TelemetryLayout PublishedLayout { get; }

    /// <summary>
    /// One step: forward and backward on this rank's slice of the global batch, gradients averaged
    /// across ranks by <paramref name="reducer"/> (none for a single rank), the step's telemetry taken
    /// from the averaged gradients, then the optimizer update. <paramref name="requestStop"/> and
    /// <paramref name="requestPause"/> ride in the same collective, so all ranks learn in the same step
    /// that one of them must stop or pause, and do so at the same step boundary.
    /// </summary>
    public StepResult RunStep(IGradientReducer? reducer = null, bool requestStop = false, bool requestPause = false)
    {
        var started = Stopwatch.GetTimestamp();
        // The time since the end of the previous step is the caller's: reporting, checkpoints.
        Phases.Mark(StepPhase.Reporting);
        var epoch = batches.Epoch;
        var lr = schedule.At(batches.Progress) * batches.LrFactor(noise?.Value);
        using var scope = NewDisposeScope();
        model.Module.train();
        var (x, y) = OnDevice(data.Train.Batch(sampler.Indices(epoch, batches.Cursor, batches.Batch)));
        Phases.Mark(StepPhase.Data);
        activations?.Begin();
        // Buckets of gradients average while backward goes on; a step whose gradients a fault corrupts waits for it.
        var overlapped = reducer is not null && buckets is not null;
        if (overlapped)
        {
            buckets!.Begin(reducer!, Step, overlap: !faults.Hits(Step, Rank));
        }

        var loss = LossFunctions.Compute(model.Forward(x), y, data.Regression);
        Phases.Mark(StepPhase.Forward);
        model.Module.zero_grad();
        loss.backward();
        faults.Apply(Step, Rank);
        Phases.Mark(StepPhase.Backward);

        // The extras ride along with the gradients: activation figures, the last evaluation's sums
        // (so every rank reads the same validation figures), this rank's squared gradient norm, the
        // stop and pause requests, then the loss.
        var figures = activations?.Read() ?? [];
        var extras = new float[figures.Length + ValidationSet.Extras(validation) + 4];
        extras[^4] = noise is null ? 0f : LocalGradientSquared();
        figures.CopyTo(extras, 0);
        validation?.Write(extras, figures.Length);
        extras[^3] = requestStop ? 1f : 0f;
        extras[^2] = requestPause ? 1f : 0f;
        extras[^1] = loss.item<float>();
        var (allreduceSeconds, bytes) = (0.0, 0L);
        if (overlapped)
        {
            var exchange = Stopwatch.GetTimestamp();
            bytes = buckets!.Finish(extras);
            allreduceSeconds = Stopwatch.GetElapsedTime(exchange).TotalSeconds;
            Phases.Mark(StepPhase.Allreduce);
            gradients.Scatter(extras);
            Phases.Mark(StepPhase.CopyOut);
        }
        else if (reducer is not null && WorldSize > 1)
        {
            gradients.Gather(extras);
            Phases.Mark(StepPhase.CopyIn);
            var exchange = Stopwatch.GetTimestamp();
            bytes = reducer.AverageInPlace(gradients.Values, Step);
            allreduceSeconds = Stopwatch.GetElapsedTime(exchange).TotalSeconds;
            Phases.Mark(StepPhase.Allreduce);
            gradients.Scatter(extras);
            Phases.Mark(StepPhase.CopyOut);
        }

        var before = statistics?.BeforeUpdate();
        if (before is { } measured)
        {
            EstimateNoise(extras[^4], measured.GlobalNorm, (int)x.shape[0]);
        }

        Phases.Mark(StepPhase.Statistics);
        var value = extras[^1];
        var (stopAgreed, pauseAgreed) = (extras[^3] > 0f, extras[^2] > 0f);
        var samples = (int)x.shape[0];
        var activationCount = Layout.Activations.Count;
        var validated = validation?.Read(extras, 2 * activationCount);
        var telemetry = new StepTelemetry(
            Step + 1,
            value,
            lr,
            before?.GlobalNorm ?? double.NaN,
            before?.GradNorm ?? [],
            before?.WeightNorm ?? [],
            [],
            before?.MaxAbs ?? [],
            before?.NonFinite ?? [],
            before?.ZeroFraction ?? [],
            extras[..activationCount],
            extras[activationCount..(2 * activationCount)],
            0,
            allreduceSeconds,
            bytes,
            samples * WorldSize)
        {
            Validation = validated,
            NoiseScale = noise?.Value,
        };

        // The health policy decides before the optimizer touches the weights.
        var decision = health?.Decide(Step, telemetry) ?? StepDecision.None;
        Phases.Mark(StepPhase.Health);
        if (decision.Rollback)
        {
            Phases.EndStep();
            return new StepResult(Step, epoch, value, lr, samples, Published(telemetry with { StepSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds }), decision) { StopAgreed = stopAgreed, PauseAgreed = pauseAgreed };
        }

        var applied = 0.0;
        float[] updates;
        if (decision.Skip)
        {
            if (decision.Reinit)
            {
                Reinitialise();
            }

            updates = new float[Layout.Layers.Count];
        }
        else
        {
            if (!float.IsFinite(value))
            {
                throw new TrainingDivergedException(Step, value, spec.Health.Enabled ? "the health policy is in observe mode" : "health checks are off");
            }

            applied = ApplyScales(decision, telemetry);
            lr *= decision.LrScale;
            var limit = health?.Limit(telemetry);
            var changes = optimizer.Step(lr, limit);
            if (limit is not null)
            {
                health!.Capped(Step, limit, decision);
            }

            Phases.Mark(StepPhase.Optimizer);
            updates = statistics is null ? [] : [.. changes.Select(c => (float)Math.Sqrt(c))];
        }

        Step++;
        batches.Advance();
        var change = AdaptBatch();
        losses.Add(value);
        StoppedEarly |= decision.EarlyStop;
        ScoreValidationIfDue();

        telemetry = telemetry with
        {
            LearningRate = lr,
            UpdateNorm = updates,
            AppliedGradNorm = applied,
            Skipped = decision.Skip,
            StepSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
        health?.Applied(telemetry);
        Phases.Mark(StepPhase.Health);
        Phases.EndStep();
        return new StepResult(Step, epoch, value, lr, samples, Published(telemetry), decision) { StopAgreed = stopAgreed, PauseAgreed = pauseAgreed, BatchChange = change };
    }

    /// <summary>At the end of the run: the health records folded into episodes and not yet written.</summary>
    public IReadOnlyList<HealthRecord> FinishHealth() => health?.Finish() ?? [];

    /// <summary>The step's figures as they leave the session: per layer only with <c>telemetry.enabled</c> (the health rules read every layer either way).</summary>
    private StepTelemetry Published(StepTelemetry telemetry) => spec.Telemetry.Enabled ? telemetry : telemetry.WithoutLayers();

    public void Dispose()
    {
        buckets?.Dispose();
        gradients.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
