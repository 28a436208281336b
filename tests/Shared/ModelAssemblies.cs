using System.Security.Cryptography;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Platform.Tests.Shared;

/// <summary>
/// Compiles small model assemblies in memory, as a user's build would produce them: referencing
/// TorchSharp and the framework only. Two builds of one assembly name with different code show that
/// jobs load their own copies.
/// </summary>
internal static class ModelAssemblies
{
    /// <summary>
    /// Build <paramref name="version"/> of assembly <c>Variant</c>: class <c>Variant.Net</c>, one
    /// linear layer named <c>fc{version}</c>, so the parameter names say which build is running.
    /// </summary>
    public static byte[] Variant(int version) => Compile("Variant", $$"""
        using System.Collections.Generic;
        using static TorchSharp.torch;
        namespace Variant;
        public sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly TorchSharp.Modules.Linear fc{{version}};
            public Net(long[] inputShape, long outputs) : base("net")
            {
                long features = 1;
                foreach (var d in inputShape) features *= d;
                fc{{version}} = nn.Linear(features, outputs);
                RegisterComponents();
            }
            public override Tensor forward(Tensor input) => fc{{version}}.call(input.flatten(1));
        }
        """);

    /// <summary>A library of the given source, as a <c>.dll</c> image, referencing the framework, TorchSharp and <paramref name="libraries"/>.</summary>
    public static byte[] Compile(string assemblyName, string source, params byte[][] libraries)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "TorchSharp.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Concat(libraries.Select(l => MetadataReference.CreateFromImage(l)));
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        return result.Success
            ? image.ToArray()
            : throw new InvalidOperationException(string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
