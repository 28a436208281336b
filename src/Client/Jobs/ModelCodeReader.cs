using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;
using Platform.Training.Models.UserCode;

namespace Platform.Client.Jobs;

/// <summary>
/// Reads the user's model code for shipping with a job: a TorchScript file, or an assembly with the
/// .dll files beside it that it depends on, other than TorchSharp, the platform's own and what the
/// .NET runtime and the platform already provide. Only metadata is read: nothing of the user's runs here.
/// </summary>
internal static class ModelCodeReader
{
    /// <summary>What one job may ship; Orleans drops a message past 100 MB, and the code crosses in one.</summary>
    public const long MaxBytes = 64L << 20;

    private static readonly HashSet<string> HostAssemblies = [.. ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension).OfType<string>()];

    /// <summary>The files to ship, main file first; null when the model is built in, or when a resumed job's file is gone (it runs the code kept with it).</summary>
    public static JobCodeFile[]? Read(ModelSpec spec, bool resume)
    {
        if (!spec.IsUserCode)
        {
            return null;
        }

        var path = spec.Path!;
        if (!File.Exists(path))
        {
            return resume ? null : throw new SpecException("model.path", $"file not found: {path}");
        }

        var files = spec.Kind == ModelSpec.Assembly ? Assembly(path) : [TorchScript(path)];
        var total = files.Sum(f => (long)f.Bytes.Length);
        return total <= MaxBytes
            ? [.. files]
            : throw new SpecException("model.path", $"the model's code is {total / 1e6:0.#} MB; a job ships at most {MaxBytes >> 20} MB");
    }

    private static JobCodeFile TorchScript(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // torch.jit.save writes a zip archive; anything else is not a TorchScript file.
        return bytes.AsSpan().StartsWith("PK\u0003\u0004"u8)
            ? Shipped(path, bytes)
            : throw new SpecException("model.path", $"{path} is not a TorchScript file (torch.jit.save writes a zip archive)");
    }

    private static List<JobCodeFile> Assembly(string path)
    {
        var files = new List<JobCodeFile>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>([path]);
        while (pending.TryDequeue(out var file))
        {
            var bytes = File.ReadAllBytes(file);
            files.Add(Shipped(file, bytes));
            foreach (var reference in References(file, bytes, isMain: files.Count == 1))
            {
                var beside = Path.Combine(Path.GetDirectoryName(file)!, reference + ".dll");
                if (SharedAssemblies.Contains(reference) || !seen.Add(reference))
                {
                    continue;
                }

                if (File.Exists(beside))
                {
                    pending.Enqueue(beside);
                }
                else if (!HostAssemblies.Contains(reference))
                {
                    throw new SpecException("model.path", $"{Path.GetFileName(file)} depends on {reference}, which is neither beside it nor part of .NET or the platform; put {reference}.dll beside it (a library's build copies its packages with <CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>, or use dotnet publish)");
                }
            }
        }

        return files;
    }

    private static List<string> References(string file, byte[] bytes, bool isMain)
    {
        try
        {
            using var pe = new PEReader(new MemoryStream(bytes));
            if (!pe.HasMetadata || !pe.GetMetadataReader().IsAssembly)
            {
                throw new BadImageFormatException();
            }

            var metadata = pe.GetMetadataReader();
            return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))];
        }
        catch (BadImageFormatException)
        {
            var what = isMain ? "the model's assembly" : "a dependency of the model";
            throw new SpecException("model.path", $"{file} ({what}) is not a .NET assembly");
        }
    }

    private static JobCodeFile Shipped(string path, byte[] bytes) => new(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
}
