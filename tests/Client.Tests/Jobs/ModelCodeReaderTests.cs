using Platform.Client.Jobs;
using Platform.Spec;
using Platform.Tests.Shared;

namespace Platform.Client.Tests.Jobs;

public sealed class ModelCodeReaderTests
{
    private readonly string build = Repo.NewWorkDir();

    private static ModelSpec Model(string kind, string path) =>
        JobSpecDocument.Parse($"model: {{kind: {kind}, path: '{path}'{(kind == "assembly" ? ", type: A.B" : "")}}}").Validate().Model;

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(build, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void The_example_model_ships_alone_without_the_torchsharp_beside_it()
    {
        var main = Write("MyModels.dll", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "MyModels.dll")));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll"), Path.Combine(build, "TorchSharp.dll"));

        var files = ModelCodeReader.Read(Model("assembly", main), resume: false)!;

        var file = Assert.Single(files);
        Assert.Equal("MyModels.dll", file.Name);
        Assert.Equal(ModelAssemblies.Sha256(File.ReadAllBytes(main)), file.Sha256);
    }

    [Fact]
    public void A_dependency_beside_the_assembly_ships_with_it_and_a_missing_one_is_named()
    {
        var helper = ModelAssemblies.Compile("Helper", "namespace Helper; public static class Width { public static int Of() => 8; }");
        var main = Write("Model.dll", ModelAssemblies.Compile("Model", "namespace Model; public static class Uses { public static int W() => Helper.Width.Of(); }", helper));
        var helperFile = Write("Helper.dll", helper);

        var files = ModelCodeReader.Read(Model("assembly", main), resume: false)!;
        File.Delete(helperFile);
        var error = Assert.Throws<SpecException>(() => ModelCodeReader.Read(Model("assembly", main), resume: false));

        Assert.Equal(["Model.dll", "Helper.dll"], files.Select(f => f.Name));
        Assert.StartsWith("model.path: Model.dll depends on Helper, which is neither beside it nor part of .NET or the platform; put Helper.dll beside it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_torchscript_path_must_hold_a_zip_archive_and_a_resumed_job_may_have_lost_its_file()
    {
        var notScript = Write("model.pt", "import torch"u8.ToArray());

        var error = Assert.Throws<SpecException>(() => ModelCodeReader.Read(Model("torchscript", notScript), resume: false));
        var gone = ModelCodeReader.Read(Model("torchscript", Path.Combine(build, "gone.pt")), resume: true);

        Assert.Equal($"model.path: {notScript} is not a TorchScript file (torch.jit.save writes a zip archive)", error.Message);
        Assert.Null(gone);
    }
}
