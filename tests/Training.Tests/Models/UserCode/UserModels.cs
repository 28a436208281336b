using Platform.Spec;
using Platform.Tests.Shared;
using Platform.Training.Models.UserCode;

namespace Platform.Training.Tests.Models.UserCode;

/// <summary>Model specs and shipped code for the user-model tests.</summary>
internal static class UserModels
{
    /// <summary>The example user model (examples/own-model), built beside the tests.</summary>
    public static byte[] ExampleBytes => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "MyModels.dll"));

    public static ModelSpec Assembly(string type, string options = "{}") =>
        JobSpecDocument.Parse($"model: {{kind: assembly, path: model.dll, type: {type}, options: {options}}}").Validate().Model;

    public static ModelCode Code(byte[] bytes, string name = "model.dll") => new([new CodeFile(name, ModelAssemblies.Sha256(bytes), bytes)]);
}
