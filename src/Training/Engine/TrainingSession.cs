using Platform.Spec;
using Platform.Training.Checkpoints;
using Platform.Training.Data;
using Platform.Training.Models;
using Platform.Training.Optim;
using Platform.Training.Parallel;
using Platform.Training.Runtime;
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
    private readonly DatasetPair data;
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly IReadOnlyList<(string Name, Tensor Param)> parameters;
    private readonly IOptimizer optimizer;
    private readonly ShardSampler sampler;
    private readonly LearningRateSchedule schedule;
    private readonly GradientBuffer gradients;
    private List<float> losses = [];

    public TrainingSession(JobSpec spec, int rank, int worldSize)
    {
        this.spec = spec;
        Rank = rank;
        WorldSize = worldSize;
        TorchRuntime.SetThreads(spec.Threads);
        data = DatasetFactory.Create(spec.Data, spec.Seed);
        model = ModelFactory.Create(spec.Model, data.SampleShape, data.Outputs, spec.Seed);
        parameters = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        optimizer = OptimizerFactory.Create(spec.Optimizer, parameters);
        gradients = new GradientBuffer(parameters);
        sampler = new ShardSampler(data.Train.Count, spec.BatchSize, rank, worldSize, spec.Seed);
        TotalSteps = spec.Steps ?? (spec.Epochs!.Value * sampler.BatchesPerEpoch);
        schedule = new LearningRateSchedule(spec.Schedule, spec.Optimizer.Lr, TotalSteps);
    }

    public int Rank { get; }

    public int WorldSize { get; }

    /// <summary>Updates applied so far.</summary>
    public int Step { get; private set; }

    public int TotalSteps { get; }

    public int BatchesPerEpoch => sampler.BatchesPerEpoch;

    public bool Finished => Step >= TotalSteps;

    public double EpochsDone => (double)Step / BatchesPerEpoch;

    public IReadOnlyList<float> Losses => losses;

    /// <summary>
    /// One step: forward and backward on this rank's slice of the global batch, gradients averaged
    /// across ranks by <paramref name="reducer"/> (none for a single rank), then the optimizer update.
    /// </summary>
    public StepResult RunStep(IGradientReducer? reducer = null)
    {
        var (epoch, batch) = (Step / BatchesPerEpoch, Step % BatchesPerEpoch);
        var lr = schedule.At(Step);
        using var scope = NewDisposeScope();
        model.train();
        var (x, y) = data.Train.Batch(tensor(sampler.Indices(epoch, batch)));
        var loss = LossFunctions.Compute(model.call(x), y, data.Regression);
        model.zero_grad();
        loss.backward();
        var value = loss.item<float>();
        if (reducer is not null && WorldSize > 1)
        {
            gradients.Gather(value);
            reducer.AverageInPlace(gradients.Values, Step);
            value = gradients.Scatter();
        }

        optimizer.Step(lr);
        Step++;
        losses.Add(value);
        return new StepResult(Step, epoch, value, lr, (int)x.shape[0]);
    }

    public EvalResult Evaluate()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var (correct, lossSum) = (0L, 0.0);
        var test = data.Test;
        for (var start = 0; start < test.Count; start += EvalChunk)
        {
            var n = Math.Min(EvalChunk, test.Count - start);
            var output = model.call(test.Inputs.narrow(0, start, n));
            var target = test.Targets.narrow(0, start, n);
            correct += LossFunctions.Correct(output, target, data.Regression);
            lossSum += LossFunctions.Compute(output, target, data.Regression, nn.Reduction.Sum).item<float>();
        }

        model.train();
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
            Step, Step / BatchesPerEpoch, Step % BatchesPerEpoch, spec.Seed, optimizer.Updates, WorldSize, spec.Model.Kind, [.. losses]);
        return CheckpointFile.Write(file, metadata, CheckpointTensors());
    }

    /// <summary>Loads model, optimizer and position from a checkpoint of the same model and seed.</summary>
    public void RestoreCheckpoint(string file)
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

            Step = metadata.Step;
            optimizer.Updates = metadata.OptimizerUpdates;
            losses = [.. metadata.LossHistory];
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
        optimizer.Dispose();
        model.Dispose();
    }

    private IEnumerable<(string Name, Tensor Value)> CheckpointTensors() =>
        model.state_dict().Select(kv => ($"model.{kv.Key}", kv.Value))
            .Concat(optimizer.State().Select(s => ($"optim.{s.Name}", s.Value)));
}
