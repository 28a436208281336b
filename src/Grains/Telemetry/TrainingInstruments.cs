using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Training.Telemetry;

namespace Platform.Grains.Telemetry;

/// <summary>
/// The platform's OpenTelemetry instruments, meter <see cref="MeterName"/>. Layer and step figures
/// are observable: they report the latest step of each job running on this silo (rank 0 records
/// them) and drop a job <see cref="Retention"/> after it ends (at the next scrape, job start or job
/// end, so they never pile up, exporter or not), so finished jobs leave no stale series behind for
/// alerts to fire on. Step and allreduce durations are histograms recorded by every rank.
/// In Prometheus the names read with underscores, e.g. <c>training_layer_grad_norm{job,layer}</c>.
/// </summary>
public sealed class TrainingInstruments
{
    public const string MeterName = "Platform.Training";

    /// <summary>How long a finished job's last figures stay visible to scrapes.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    /// <summary>Step and allreduce times from a fraction of a millisecond to a minute, in seconds.</summary>
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<string, JobFigures> jobs = new();
    private readonly Counter<long> findings;
    private readonly Counter<long> remedies;
    private readonly Histogram<double> stepDuration;
    private readonly Histogram<double> allreduceDuration;
    private readonly TimeProvider clock;

    public TrainingInstruments(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(MeterName);
        Layer(meter, "training.layer.grad_norm", "L2 norm of the layer's averaged gradient.", (s, i) => s.GradNorm[i]);
        Layer(meter, "training.layer.weight_norm", "L2 norm of the layer's weights when the gradient was taken.", (s, i) => s.WeightNorm[i]);
        Layer(meter, "training.layer.grad_weight_ratio", "Gradient norm over weight norm.", (s, i) => StepTelemetry.Ratio(s.GradNorm[i], s.WeightNorm[i]));
        Layer(meter, "training.layer.update_weight_ratio", "Norm of the optimizer's update over weight norm.", (s, i) => StepTelemetry.Ratio(s.UpdateNorm[i], s.WeightNorm[i]));
        Layer(meter, "training.layer.grad_max_abs", "Largest gradient magnitude in the layer.", (s, i) => s.GradMaxAbs[i]);
        Layer(meter, "training.layer.grad_zero_fraction", "Fraction of the layer's gradient values that are exactly zero.", (s, i) => s.ZeroFraction[i]);
        meter.CreateObservableCounter(
            "training.layer.grad_nonfinite",
            () => Measure(j => j.Layout.Layers.Select((name, i) => ((string?)name, (double)j.NonFinite[i]))),
            description: "NaN and infinite gradient values seen in the layer since the job started on this silo.");
        Activation(meter, "training.activation.saturated_fraction", "Fraction of sigmoid/tanh outputs within the tolerance of a bound.", (s, i) => s.Saturated[i]);
        Activation(meter, "training.activation.dead_fraction", "Fraction of ReLU units that were zero for the whole batch.", (s, i) => s.Dead[i]);
        Job(meter, "training.loss", "Training loss of the latest step, averaged over ranks.", j => j.Latest.Loss);
        Job(meter, "training.grad_norm", "Global L2 norm of the averaged gradient.", j => j.Latest.GlobalGradNorm);
        Job(meter, "training.grad_norm.applied", "Global L2 norm of the gradient the optimizer applied, after clipping and layer scaling (0 for a skipped update).", j => j.Latest.AppliedGradNorm);
        meter.CreateObservableGauge("training.validation.loss", () => Measure(j => j.Validation is { } v ? [(null, v.Loss)] : []), description: "Loss on the held-out validation samples at the latest periodic evaluation (eval.interval).");
        meter.CreateObservableGauge("training.gradient_noise_scale", () => Measure(j => j.Latest.NoiseScale is { } b ? [(null, b)] : []), description: "Smoothed gradient noise scale B_simple = tr(Sigma)/|G|^2, the critical batch's estimate, from each rank's gradient against their average (2 or more ranks).");
        meter.CreateObservableGauge("training.validation.accuracy", () => Measure(j => j.Validation is { } v ? [(null, v.Accuracy)] : []), description: "Accuracy on the held-out validation samples at the latest periodic evaluation.");
        Job(meter, "training.learning_rate", "Learning rate of the latest step.", j => j.Latest.LearningRate);
        Job(meter, "training.global_batch", "Global batch of the latest step, in samples (adaptive_batch grows it).", j => j.Latest.Samples);
        Job(meter, "training.step", "Latest completed step.", j => j.Latest.Step);
        Job(meter, "training.samples_per_second", "Samples per second over the last reporting interval.", j => j.SamplesPerSecond);
        meter.CreateObservableCounter("training.steps", () => Measure(j => [(null, (double)j.Steps)]), description: "Steps completed.");
        meter.CreateObservableCounter("training.samples", () => Measure(j => [(null, (double)j.Samples)]), description: "Training samples processed.");
        meter.CreateObservableCounter("training.allreduce.bytes", () => Measure(j => [(null, (double)j.AllreduceBytes)]), description: "Bytes rank 0 sent in allreduces.");
        findings = meter.CreateCounter<long>("training.health.findings", description: "Health findings, by rule, every step a rule fires.");
        remedies = meter.CreateCounter<long>("training.remedies", description: "Remedies applied by the health policy, by action.");
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        stepDuration = meter.CreateHistogram("training.step.duration", "s", "Wall time of a training step, per rank.", tags: null, buckets);
        allreduceDuration = meter.CreateHistogram("training.allreduce.duration", "s", "Wall time of a step's gradient allreduce, per rank.", tags: null, buckets);
    }

    /// <summary>Records one step of one rank; rank 0's figures become the job's.</summary>
    public void Record(string job, int rank, TelemetryLayout layout, StepTelemetry step)
    {
        var tags = new System.Diagnostics.TagList { { "job", job }, { "rank", rank } };
        stepDuration.Record(step.StepSeconds, tags);
        if (step.AllreduceBytes > 0)
        {
            allreduceDuration.Record(step.AllreduceSeconds, tags);
        }

        if (rank == 0)
        {
            if (!jobs.ContainsKey(job))
            {
                Sweep();
            }

            jobs.AddOrUpdate(job, _ => new JobFigures(layout, step), (_, figures) => figures.Layout == layout ? figures : new JobFigures(layout, step)).Add(step);
        }
    }

    /// <summary>The jobs whose figures this silo keeps: running, or ended within <see cref="Retention"/>.</summary>
    public IReadOnlyCollection<string> Jobs => [.. jobs.Keys];

    /// <summary>Counts a step's findings and remedies (rank 0).</summary>
    public void RecordHealth(string job, IEnumerable<string> rules, IEnumerable<string> actions)
    {
        foreach (var rule in rules)
        {
            findings.Add(1, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("rule", rule));
        }

        foreach (var action in actions)
        {
            remedies.Add(1, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("action", action));
        }
    }

    /// <summary>Rank 0's throughput over its last reporting interval.</summary>
    public void RecordThroughput(string job, double samplesPerSecond)
    {
        if (jobs.TryGetValue(job, out var figures))
        {
            figures.SamplesPerSecond = samplesPerSecond;
        }
    }

    /// <summary>The job stopped on this silo; its figures stay for <see cref="Retention"/>.</summary>
    public void End(string job)
    {
        if (jobs.TryGetValue(job, out var figures))
        {
            figures.EndedAt = clock.GetUtcNow();
        }

        // Scrapes drop them too, but a silo with no exporter is never scraped.
        Sweep();
    }

    /// <summary>Drops the jobs that ended more than <see cref="Retention"/> ago.</summary>
    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (job, figures) in jobs)
        {
            if (Expired(figures, now))
            {
                jobs.TryRemove(job, out _);
            }
        }
    }

    private static bool Expired(JobFigures figures, DateTimeOffset now) => figures.EndedAt is { } ended && now - ended > Retention;

    private void Layer(Meter meter, string name, string description, Func<StepTelemetry, int, float> value) =>
        meter.CreateObservableGauge(
            name,
            () => Measure(j => j.Latest.GradNorm.Length == 0 ? [] : j.Layout.Layers.Select((layer, i) => ((string?)layer, (double)value(j.Latest, i)))),
            description: description);

    private void Activation(Meter meter, string name, string description, Func<StepTelemetry, int, float> value) =>
        meter.CreateObservableGauge(
            name,
            () => Measure(j => j.Layout.Activations.Select((layer, i) => ((string?)layer, (double)value(j.Latest, i)))),
            description: description);

    private void Job(Meter meter, string name, string description, Func<JobFigures, double> value) =>
        meter.CreateObservableGauge(name, () => Measure(j => [(null, value(j))]), description: description);

    /// <summary>One measurement per (job, layer) pair the selector yields; a null layer means a job-wide figure.</summary>
    private IEnumerable<Measurement<double>> Measure(Func<JobFigures, IEnumerable<(string? Layer, double Value)>> select)
    {
        var now = clock.GetUtcNow();
        foreach (var (job, figures) in jobs)
        {
            if (Expired(figures, now))
            {
                jobs.TryRemove(job, out _);
                continue;
            }

            foreach (var (layer, value) in select(figures))
            {
                yield return layer is null
                    ? new Measurement<double>(value, new KeyValuePair<string, object?>("job", job))
                    : new Measurement<double>(value, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("layer", layer));
            }
        }
    }

    /// <summary>A job's latest step and running totals on this silo. Written by the rank-0 thread, read by collections.</summary>
    private sealed class JobFigures(TelemetryLayout layout, StepTelemetry first)
    {
        public TelemetryLayout Layout { get; } = layout;

        public StepTelemetry Latest { get; private set; } = first;

        public long[] NonFinite { get; } = new long[layout.Layers.Count];

        public long Steps { get; private set; }

        public long Samples { get; private set; }

        public long AllreduceBytes { get; private set; }

        public double SamplesPerSecond { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public ValidationResult? Validation { get; private set; }

        public void Add(StepTelemetry step)
        {
            Latest = step;
            Validation = step.Validation ?? Validation;
            Steps++;
            Samples += step.Samples;
            AllreduceBytes += step.AllreduceBytes;
            for (var i = 0; i < step.NonFinite.Length; i++)
            {
                NonFinite[i] += step.NonFinite[i];
            }

            EndedAt = null;
        }
    }
}
