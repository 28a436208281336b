using System.Diagnostics;
using Platform.Spec;
using Platform.Training.Checkpoints;
using Platform.Training.Data;
using Platform.Training.Health;
using Platform.Training.Models;
using Platform.Training.Models.UserCode;
using Platform.Training.Optim;
using Platform.Training.Parallel;
using Platform.Training.Runtime;
using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// One rank's replica: the model, its optimizer and its shard of the data. Steps are synchronous
/// and run on one thread, because TorchSharp's dispose scopes are per thread.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private const int EvalChunk = 1000;
    private readonly JobSpec spec;
    private DatasetPair data;
    private readonly TrainableModel model;
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly IOptimizer optimizer;
    private readonly ShardSampler sampler;
    private readonly LearningRateSchedule schedule;
    private readonly GradientBuffer gradients;
    private readonly FaultInjector faults;
    private readonly LayerStatistics? statistics;
    private readonly ActivationMonitor? activations;
    private readonly HealthMonitor? health;
    private readonly BucketedExchange? buckets;
    private List<float> losses = [];

    /// <summary>
    /// A replica of rank <paramref name="rank"/> of <paramref name="worldSize"/>; <paramref name="code"/> is the
    /// user's model code shipped with the job (model.kind assembly or torchscript), <paramref name="threads"/>
    /// the torch thread count when the spec sets none (default: one per core).
    /// </summary>
    public TrainingSession(JobSpec spec, int rank, int worldSize, ModelCode? code = null, int? threads = null)
    {
        this.spec = spec;
        Rank = rank;
        WorldSize = worldSize;
        Threads = spec.Threads ?? threads ?? Environment.ProcessorCount;
        TorchRuntime.SetThreads(Threads);
        data = DatasetFactory.Create(spec.Data, spec.Seed);
        model = ModelFactory.Build(spec.Model, data.SampleShape, data.Outputs, spec.Seed, code);
        parameters = model.Module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        optimizer = OptimizerFactory.Create(spec.Optimizer, parameters);
        faults = new FaultInjector(spec.Faults, parameters);
        // The health rules read the same statistics, so they run whenever either is on.
        if (spec.Telemetry.Enabled || spec.Health.Enabled)
        {
            statistics = new LayerStatistics(parameters);
            activations = new ActivationMonitor(model.Module, spec.Telemetry.SaturationTolerance);
        }

        Layout = new TelemetryLayout([.. parameters.Select(p => p.Name)], activations?.Names ?? []);
        PublishedLayout = spec.Telemetry.Enabled ? Layout : TelemetryLayout.None;
        health = spec.Health.Enabled ? new HealthMonitor(spec.Health, Layout) : null;
        gradients = new GradientBuffer(parameters, extras: (2 * Layout.Activations.Count) + 3);
        if (worldSize > 1 && spec.Allreduce.BucketKb > 0)
        {
            buckets = new BucketedExchange(gradients, new BackwardSignals(model.Module, parameters), spec.Allreduce.BucketKb * 256);
        }

        sampler = new ShardSampler(data.Train.Count, spec.BatchSize, rank, worldSize, spec.Seed);
        TotalSteps = spec.Steps ?? (spec.Epochs!.Value * sampler.BatchesPerEpoch);
        schedule = new LearningRateSchedule(spec.Schedule, spec.Optimizer.Lr, TotalSteps);
    }

    public int Rank { get; }

    /// <summary>Where this replica's step time goes, phase by phase.</summary>
    public StepPhases Phases { get; } = new();

    /// <summary>Torch threads this replica set for its process.</summary>
    public int Threads { get; }

    public int WorldSize { get; }

    /// <summary>Updates applied so far.</summary>
    public int Step { get; private set; }

    public int TotalSteps { get; }

    public int BatchesPerEpoch => sampler.BatchesPerEpoch;

    public bool Finished => Step >= TotalSteps;

    public double EpochsDone => (double)Step / BatchesPerEpoch;

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
        var (epoch, batch) = (Step / BatchesPerEpoch, Step % BatchesPerEpoch);
        var lr = schedule.At(Step);
        using var scope = NewDisposeScope();
        model.Module.train();
        var (x, y) = data.Train.Batch(sampler.Indices(epoch, batch));
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

        // The extras ride along with the gradients: activation figures, the stop and pause requests, then the loss.
        var extras = activations?.Read() is { } a ? [.. a, 0f, 0f, 0f] : new float[3];
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
        Phases.Mark(StepPhase.Statistics);
        var value = extras[^1];
        var (stopAgreed, pauseAgreed) = (extras[^3] > 0f, extras[^2] > 0f);
        var samples = (int)x.shape[0];
        var activationCount = Layout.Activations.Count;
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
            samples * WorldSize);

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
            optimizer.Step(lr);
            Phases.Mark(StepPhase.Optimizer);
            updates = statistics?.UpdateNorms() ?? [];
            Phases.Mark(StepPhase.Statistics);
        }

        Step++;
        losses.Add(value);
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
        return new StepResult(Step, epoch, value, lr, samples, Published(telemetry), decision) { StopAgreed = stopAgreed, PauseAgreed = pauseAgreed };
    }

    /// <summary>At the end of the run: the health records folded into episodes and not yet written.</summary>
    public IReadOnlyList<HealthRecord> FinishHealth() => health?.Finish() ?? [];

    /// <summary>The step's figures as they leave the session: per layer only with <c>telemetry.enabled</c> (the health rules read every layer either way).</summary>
    private StepTelemetry Published(StepTelemetry telemetry) => spec.Telemetry.Enabled ? telemetry : telemetry.WithoutLayers();

    /// <summary>
    /// After a step that decided to roll back: restores <paramref name="checkpoint"/> (the last good
    /// one) and arranges for the bad batch to be skipped when the run reaches it again; without a
    /// checkpoint, skips the bad batch where it is.
    /// </summary>
    public void RollBack(string? checkpoint)
    {
        var bad = Step;
        if (checkpoint is null)
        {
            losses.Add(float.NaN);
            Step++;
            return;
        }

        Restore(checkpoint, withHealth: false);
        health?.RolledBack(bad);
    }

    /// <summary>Scales gradients in place (clip, per-layer trust) and returns the norm that is applied.</summary>
    private double ApplyScales(StepDecision decision, StepTelemetry t)
    {
        var sum = 0.0;
        for (var i = 0; i < parameters.Count; i++)
        {
            var factor = decision.ClipScale * (decision.LayerScales?[i] ?? 1f);
            if (factor != 1 && parameters[i].Param.grad is { } g)
            {
                var values = HostMemory.Floats(g);
                System.Numerics.Tensors.TensorPrimitives.Multiply(values, (float)factor, values);
            }

            var norm = i < t.GradNorm.Length ? t.GradNorm[i] * factor : double.NaN;
            sum += norm * norm;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>The model's outputs on <paramref name="inputs"/> (already normalised, as the data gives them), in evaluation mode.</summary>
    public float[] Predict(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        try
        {
            return model.Forward(inputs).contiguous().data<float>().ToArray();
        }
        finally
        {
            model.Module.train();
        }
    }

    public EvalResult Evaluate()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        var (correct, lossSum) = (0L, 0.0);
        var test = data.Test;
        for (var start = 0; start < test.Count; start += EvalChunk)
        {
            using var chunk = NewDisposeScope();
            var (inputs, target) = test.Range(start, Math.Min(EvalChunk, test.Count - start));
            var output = model.Forward(inputs);
            correct += LossFunctions.Correct(output, target, data.Regression);
            lossSum += LossFunctions.Compute(output, target, data.Regression, nn.Reduction.Sum).item<float>();
        }

        model.Module.train();
        return new EvalResult((double)correct / test.Count, lossSum / test.Count, test.Count);
    }

    /// <summary>L2 norm of all parameters, accumulated in double precision.</summary>
    public double ParameterL2()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = parameters.Aggregate(0.0, (acc, p) => acc + p.Param.to(float64).square().sum().item<double>());
        return Math.Sqrt(sum);
    }

    public string SaveCheckpoint(string file)
    {
        var metadata = new CheckpointMetadata(
            Step, Step / BatchesPerEpoch, Step % BatchesPerEpoch, spec.Seed, optimizer.Updates, WorldSize, spec.Model.Kind, [.. losses], health?.Save())
        {
            Normalization = data.Normalization,
            InputShape = data.SampleShape,
            Outputs = data.Outputs,
        };
        return CheckpointFile.Write(file, metadata, CheckpointTensors());
    }

    /// <summary>Loads model, optimizer and position from a checkpoint of the same model and seed.</summary>
    public void RestoreCheckpoint(string file) => Restore(file, withHealth: true);

    private void Restore(string file, bool withHealth)
    {
        var (metadata, tensors) = CheckpointFile.Read(file);
        try
        {
            if (metadata.Seed != spec.Seed)
            {
                throw new CheckpointMismatchException(file, $"it was written with seed {metadata.Seed}, this job has seed {spec.Seed}");
            }

            using var noGrad = no_grad();
            foreach (var (name, target) in CheckpointTensors())
            {
                if (!tensors.TryGetValue(name, out var source) || !source.shape.SequenceEqual(target.shape))
                {
                    throw new CheckpointMismatchException(file, $"it has no tensor {name} of shape [{string.Join(", ", target.shape)}]; was it written for another model?");
                }

                target.copy_(source);
            }

            data = data.WithNormalization(metadata.Normalization);
            Step = metadata.Step;
            optimizer.Updates = metadata.OptimizerUpdates;
            losses = [.. metadata.LossHistory];
            if (withHealth && metadata.Health is { } state)
            {
                health?.Restore(state);
            }
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    public void Dispose()
    {
        buckets?.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }

    private IEnumerable<(string Name, Tensor Value)> CheckpointTensors() =>
        model.Module.state_dict().Select(kv => ($"model.{kv.Key}", kv.Value))
            .Concat(optimizer.State().Select(s => ($"optim.{s.Name}", s.Value)));
}
