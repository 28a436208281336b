using System.Runtime.Loader;
using Platform.Grains.Interfaces.Jobs;
using Platform.Tests.Shared;
using static Platform.Grains.Tests.Jobs.TrainingJobGrainTests;

namespace Platform.Grains.Tests.Jobs;

/// <summary>Jobs whose model is a user's assembly: shipped, kept with the job, loaded per job, unloaded after.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UserCodeJobTests(ClusterFixture fixture)
{
    private readonly string checkpoints = Directory.CreateTempSubdirectory("user-code-tests-").FullName;

    private string Spec(int steps) => $"""
        model: {"{"}kind: assembly, path: /nowhere/Variant.dll, type: Variant.Net{"}"}
        data: {"{"}dataset: blobs, samples: 2048, test_samples: 512{"}"}
        optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
        batch_size: 64
        steps: {steps}
        seed: 2
        threads: 1
        checkpoint: {"{"}dir: '{checkpoints}', interval: 20{"}"}
        """;

    private ITrainingJobGrain Job(string name) => fixture.Client.GetGrain<ITrainingJobGrain>($"{name}-{Guid.NewGuid():N}");

    private static JobCodeFile[] Code(byte[] bytes) => [new("Variant.dll", ModelAssemblies.Sha256(bytes), bytes)];

    [Fact]
    public async Task Two_jobs_with_different_builds_of_one_assembly_run_side_by_side_on_one_silo_and_their_code_is_unloaded_after()
    {
        var (one, two) = (ModelAssemblies.Variant(1), ModelAssemblies.Variant(2));
        var (a, b) = (Job("build-one"), Job("build-two"));

        await Task.WhenAll(a.SubmitAsync(new JobSubmission(Spec(200), false, Code(one))), b.SubmitAsync(new JobSubmission(Spec(200), false, Code(two))));
        var done = await Task.WhenAll(WaitForEndAsync(a), WaitForEndAsync(b));

        Assert.All(done, p => Assert.Equal(JobState.Completed, p.State));
        Assert.Equal(["fc1.weight", "fc1.bias"], (await a.GetTelemetryAsync(0)).Layers);
        Assert.Equal(["fc2.weight", "fc2.bias"], (await b.GetTelemetryAsync(0)).Layers);
        Assert.True((await a.GetSummaryAsync())!.TestAccuracy > 0.9);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Loaded(one, two) && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }

        Assert.False(Loaded(one, two), "a finished job's code is still loaded");
    }

    [Fact]
    public async Task A_resumed_job_runs_the_code_kept_with_it_not_what_it_is_sent_now()
    {
        var job = Job("resume");
        await job.SubmitAsync(new JobSubmission(Spec(40), false, Code(ModelAssemblies.Variant(1))));
        Assert.Equal(JobState.Completed, (await WaitForEndAsync(job)).State);

        // Build two's parameters have other names: restoring its checkpoint into them would fail.
        var resumed = await job.SubmitAsync(new JobSubmission(Spec(80), true, Code(ModelAssemblies.Variant(2))));
        var done = await WaitForEndAsync(job);

        Assert.Equal(FailureKind.None, resumed.FailureKind);
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(80, done.Step);
        Assert.Equal(["fc1.weight", "fc1.bias"], (await job.GetTelemetryAsync(0)).Layers);
    }

    [Fact]
    public async Task Code_that_does_not_match_its_sha256_or_is_missing_is_refused_as_bad_input()
    {
        var bytes = ModelAssemblies.Variant(1);

        var altered = await Job("altered").SubmitAsync(new JobSubmission(Spec(10), false, [new("Variant.dll", ModelAssemblies.Sha256([.. bytes, 0]), bytes)]));
        var missing = await Job("missing").SubmitAsync(new JobSubmission(Spec(10), false));

        Assert.Equal(FailureKind.BadInput, altered.FailureKind);
        Assert.Equal("model.path: the bytes shipped for Variant.dll do not match their SHA-256", altered.Error);
        Assert.Equal(FailureKind.BadInput, missing.FailureKind);
        Assert.Equal("model.path: no code was shipped with the job for /nowhere/Variant.dll", missing.Error);
    }

    private static bool Loaded(params byte[][] builds) =>
        AssemblyLoadContext.All.Any(c => builds.Any(b => c.Name?.Contains(ModelAssemblies.Sha256(b)[..12], StringComparison.Ordinal) == true));
}
