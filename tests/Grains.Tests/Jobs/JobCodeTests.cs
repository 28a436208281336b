using Platform.Grains.Interfaces.Jobs;
using Platform.Grains.Jobs;
using Platform.Tests.Shared;

namespace Platform.Grains.Tests.Jobs;

public sealed class JobCodeTests
{
    private readonly string folder = Directory.CreateTempSubdirectory("job-code-").FullName;

    private static JobCodeFile File(string name, byte[] bytes) => new(name, ModelAssemblies.Sha256(bytes), bytes);

    [Fact]
    public void Code_kept_in_the_checkpoint_folder_comes_back_in_order_with_its_bytes()
    {
        JobCodeFile[] files = [File("Model.dll", [1, 2, 3]), File("Helper.dll", [4, 5])];

        JobCode.Save(folder, files);
        var loaded = JobCode.Load(folder);

        Assert.Equal(["Model.dll", "Helper.dll"], loaded.Select(f => f.Name));
        Assert.Equal(files.Select(f => f.Bytes), loaded.Select(f => f.Bytes));
    }

    [Fact]
    public void Altered_or_missing_code_is_not_used()
    {
        var file = File("Model.dll", [1, 2, 3]);
        JobCode.Save(folder, [file]);
        System.IO.File.WriteAllBytes(Path.Combine(folder, "code", file.Sha256), [9, 9, 9]);

        Assert.Empty(JobCode.Load(folder));
        Assert.Empty(JobCode.Load(Path.Combine(folder, "nothing-here")));
        Assert.Equal("Model.dll", JobCode.Mismatch([file with { Bytes = [9] }]));
        Assert.Null(JobCode.Mismatch([file]));
    }
}
