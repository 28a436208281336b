using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Jobs;
using Platform.Spec;

namespace Platform.Grains.Tests.Jobs;

/// <summary>What a silo accepts of a submission whoever sent it: job ids that name one folder, and spec paths inside its data root.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SubmissionPolicyTests(ClusterFixture fixture)
{
    private readonly string root = Directory.CreateTempSubdirectory("data-root-").FullName;

    [Theory]
    [InlineData("fashion-mlp-20261207-101500-ab12")]
    [InlineData("a.b_c-1")]
    public void A_job_id_of_letters_digits_dots_and_dashes_is_fine(string id) => Assert.Null(SubmissionPolicy.RefuseJobId(id));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../../etc")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("tab\tname")]
    public void A_job_id_that_is_not_one_folder_name_is_refused(string id) =>
        Assert.StartsWith("job id '", SubmissionPolicy.RefuseJobId(id), StringComparison.Ordinal);

    [Fact]
    public async Task The_grain_refuses_a_job_id_a_client_did_not_check()
    {
        // A client of our own checks the id; one that talks to the grains directly is refused by the grain.
        var progress = await fixture.Client.GetGrain<ITrainingJobGrain>("../escape").SubmitAsync(new JobSubmission("model: {kind: mlp}\ndata: {dataset: blobs}", Resume: false));

        Assert.Equal(JobState.Failed, progress.State);
        Assert.Equal(FailureKind.BadInput, progress.FailureKind);
        Assert.StartsWith("job id '../escape' refused", progress.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_inside_the_data_root_pass_and_the_first_outside_is_named_by_its_field()
    {
        Directory.CreateDirectory(Path.Combine(root, "sets"));
        var inside = Spec($"data: {{dataset: files, train: '{Path.Combine(root, "sets", "x.npz")}'}}");
        var outside = Spec($"data: {{dataset: files, train: '{Path.Combine(root, "sets", "x.npz")}', test: '{Path.Combine(root, "..", "y.npz")}'}}");

        Assert.Null(SubmissionPolicy.RefusePaths(inside, root, codeShipped: false));
        var refusal = SubmissionPolicy.RefusePaths(outside, root, codeShipped: false);
        Assert.StartsWith("data.test: ", refusal, StringComparison.Ordinal);
        Assert.Contains("is outside this cluster's data root", refusal, StringComparison.Ordinal);

        // A root's name is not a prefix of a sibling's: /data-root-x is not inside /data-root.
        Assert.NotNull(SubmissionPolicy.RefusePaths(Spec($"data: {{dataset: fashion-mnist, dir: '{root}x'}}"), root, codeShipped: false));
    }

    [Fact]
    public void A_link_inside_the_root_to_a_folder_outside_it_is_outside()
    {
        var outsideDir = Directory.CreateTempSubdirectory("elsewhere-").FullName;
        File.WriteAllText(Path.Combine(outsideDir, "secret.csv"), "a,b\n1,2\n");
        Directory.CreateSymbolicLink(Path.Combine(root, "link"), outsideDir);

        var refusal = SubmissionPolicy.RefusePaths(Spec($"data: {{dataset: files, train: '{Path.Combine(root, "link", "secret.csv")}'}}"), root, codeShipped: false);

        Assert.StartsWith("data.train: ", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_path_is_checked_only_when_the_silo_would_read_it()
    {
        var spec = Spec("model: {kind: torchscript, path: '/elsewhere/net.pt'}");

        Assert.StartsWith("model.path: ", SubmissionPolicy.RefusePaths(spec, root, codeShipped: false), StringComparison.Ordinal);
        Assert.Null(SubmissionPolicy.RefusePaths(spec, root, codeShipped: true));
    }

    private static JobSpecDocument Spec(string yaml) => JobSpecDocument.Parse(yaml);
}
