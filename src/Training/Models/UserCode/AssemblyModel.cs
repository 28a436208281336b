using System.Reflection;
using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Models.UserCode;

/// <summary>
/// Builds a user's <c>nn.Module&lt;Tensor, Tensor&gt;</c> from their shipped assembly, in a load context
/// of the job's own. The contract: a public, non-abstract class with a public constructor
/// <c>(long[] inputShape, long outputs)</c> or <c>(long[] inputShape, long outputs, IReadOnlyDictionary&lt;string, string&gt; options)</c>.
/// </summary>
internal static class AssemblyModel
{
    private static readonly Type[] Plain = [typeof(long[]), typeof(long)];
    private static readonly Type[] WithOptions = [typeof(long[]), typeof(long), typeof(IReadOnlyDictionary<string, string>)];

    public static TrainableModel Load(ModelSpec spec, ModelCode code, long[] inputShape, long outputs, Func<Func<nn.Module<Tensor, Tensor>>, nn.Module<Tensor, Tensor>> seeded)
    {
        var context = new ModelLoadContext($"model code {code.Main.Sha256[..12]} ({spec.Type})", code);
        try
        {
            var type = FindType(spec, LoadAssembly(context, code.Main));
            var (constructor, arguments) = Constructor(spec, type, inputShape, outputs);
            var module = seeded(() => Construct(spec, constructor, arguments));
            return new TrainableModel(module, module, spec.Type!, context.Unload);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    private static Assembly LoadAssembly(ModelLoadContext context, CodeFile main)
    {
        try
        {
            return context.LoadMain(main);
        }
        catch (BadImageFormatException)
        {
            throw new SpecException("model.path", $"{main.Name} is not a .NET assembly");
        }
    }

    private static Type FindType(ModelSpec spec, Assembly assembly)
    {
        Type? type;
        try
        {
            type = assembly.GetType(spec.Type!, throwOnError: false);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new SpecException("model.type", $"{spec.Type} could not be loaded from {assembly.GetName().Name}: {e.Message}");
        }

        if (type is null)
        {
            var candidates = ModuleTypes(assembly);
            var hint = candidates.Count == 0 ? "it has no public nn.Module<Tensor, Tensor> classes" : $"its models are: {string.Join(", ", candidates)}";
            throw new SpecException("model.type", $"no type {spec.Type} in {assembly.GetName().Name}; {hint}");
        }

        if (!type.IsPublic && !type.IsNestedPublic)
        {
            throw new SpecException("model.type", $"{spec.Type} is not public");
        }

        if (type.IsAbstract || type.IsGenericTypeDefinition)
        {
            throw new SpecException("model.type", $"{spec.Type} is abstract or generic; name a concrete class");
        }

        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
        {
            throw new SpecException("model.type", $"{spec.Type} does not derive from TorchSharp's nn.Module<Tensor, Tensor>");
        }

        return type;
    }

    private static List<string> ModuleTypes(Assembly assembly)
    {
        try
        {
            return [.. assembly.GetExportedTypes().Where(t => !t.IsAbstract && typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(t)).Select(t => t.FullName!).Order().Take(10)];
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            return [];
        }
    }

    private static (ConstructorInfo, object[]) Constructor(ModelSpec spec, Type type, long[] inputShape, long outputs)
    {
        var options = spec.Options ?? new Dictionary<string, string>();
        if (type.GetConstructor(WithOptions) is { } full)
        {
            return (full, [inputShape.Clone(), outputs, options]);
        }

        if (type.GetConstructor(Plain) is { } plain)
        {
            return options.Count == 0
                ? (plain, [inputShape.Clone(), outputs])
                : throw new SpecException("model.options", $"{spec.Type} takes no options: it has no public constructor (long[] inputShape, long outputs, IReadOnlyDictionary<string, string> options)");
        }

        throw new SpecException("model.type", $"{spec.Type} has no public constructor (long[] inputShape, long outputs) or (long[] inputShape, long outputs, IReadOnlyDictionary<string, string> options)");
    }

    private static nn.Module<Tensor, Tensor> Construct(ModelSpec spec, ConstructorInfo constructor, object[] arguments)
    {
        try
        {
            return (nn.Module<Tensor, Tensor>)constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new SpecException("model.type", $"the constructor of {spec.Type} threw {inner.GetType().Name}: {Text.FirstLine(inner.Message)}");
        }
    }
}
