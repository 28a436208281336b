using System.Reflection;
using System.Runtime.Loader;

namespace Platform.Training.Models.UserCode;

/// <summary>
/// One job's own, collectible load context for the user's assemblies. TorchSharp and the platform's
/// assemblies come from the host, so the user's module is a host <c>nn.Module</c> and shares its native
/// library; every other dependency comes from the shipped bytes first. Two jobs with different builds
/// of the same assembly each get their own copy, and a finished job's code can be unloaded.
/// </summary>
internal sealed class ModelLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, CodeFile> files;

    /// <summary>A context named <paramref name="name"/> (<c>model code SHA12 (TYPE)</c>), as <see cref="AssemblyLoadContext.All"/> lists it until it is collected.</summary>
    public ModelLoadContext(string name, ModelCode code)
        : base(name, isCollectible: true)
    {
        files = new Dictionary<string, CodeFile>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in code.Files)
        {
            files.TryAdd(System.IO.Path.GetFileNameWithoutExtension(file.Name), file);
        }
    }

    public Assembly LoadMain(CodeFile main) => LoadFromStream(new MemoryStream(main.Bytes, writable: false));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblies.Contains(assemblyName.Name) || assemblyName.Name is null || !files.TryGetValue(assemblyName.Name, out var file))
        {
            // Shared, or the framework's: the default context resolves it.
            return null;
        }

        return LoadFromStream(new MemoryStream(file.Bytes, writable: false));
    }
}
