using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Platform.Spec;
using Platform.Tests.Shared;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Models.UserCode;

public sealed class AssemblyModelTests
{
    private static readonly long[] Image = [1, 28, 28];

    [Fact]
    public void The_example_residual_net_is_built_from_its_bytes_with_its_options_as_strings()
    {
        var spec = UserModels.Assembly("MyCompany.Models.ResidualNet", "{width: 8, blocks: 2}");
        using var model = ModelFactory.Build(spec, Image, 10, seed: 1, UserModels.Code(UserModels.ExampleBytes));
        using var twin = ModelFactory.Build(spec, Image, 10, seed: 1, UserModels.Code(UserModels.ExampleBytes));
        using var x = randn(3, 1, 28, 28);

        using var y = model.Forward(x);

        Assert.Equal([3L, 10], y.shape);
        var names = model.Module.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("stem.weight", names);
        Assert.Contains("blocks.1.conv2.weight", names);
        Assert.Equal([8L, 1, 3, 3], model.Module.named_parameters().First(p => p.name == "stem.weight").parameter.shape);
        Assert.Contains(model.Module.named_buffers(), b => b.name == "blocks.0.norm1.running_mean");
        // Seeded construction: every rank starts from the same weights.
        Assert.All(model.Module.parameters().Zip(twin.Module.parameters()), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
    }

    [Fact]
    public void Two_builds_of_one_assembly_run_side_by_side_and_each_is_unloaded_when_its_model_is_disposed()
    {
        var (one, two) = (ModelAssemblies.Variant(1), ModelAssemblies.Variant(2));

        var (names, contexts) = BuildBothAndDispose(one, two);

        // Each job ran its own build: the parameter names say which.
        Assert.Equal(["fc1.weight", "fc1.bias"], names[0]);
        Assert.Equal(["fc2.weight", "fc2.bias"], names[1]);
        Assert.Equal(2, contexts.Count);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (contexts.Any(c => c.IsAlive) && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.All(contexts, c => Assert.False(c.IsAlive, "a disposed model's code was not unloaded"));
        Assert.DoesNotContain(AssemblyLoadContext.All, c => c.Name?.Contains(ModelAssemblies.Sha256(one)[..12], StringComparison.Ordinal) == true);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (List<string[]> Names, List<WeakReference> Contexts) BuildBothAndDispose(byte[] one, byte[] two)
    {
        var spec = UserModels.Assembly("Variant.Net");
        using var a = ModelFactory.Build(spec, [4], 3, seed: 1, UserModels.Code(one, "Variant.dll"));
        using var b = ModelFactory.Build(spec, [4], 3, seed: 1, UserModels.Code(two, "Variant.dll"));
        using (var x = randn(2, 4))
        {
            a.Forward(x).Dispose();
            b.Forward(x).Dispose();
        }

        var contexts = new[] { a, b }.Select(m => new WeakReference(AssemblyLoadContext.GetLoadContext(m.Module.GetType().Assembly))).ToList();
        return ([[.. a.Module.named_parameters().Select(p => p.name)], [.. b.Module.named_parameters().Select(p => p.name)]], contexts);
    }

    [Theory]
    [InlineData("MyCompany.Models.Nope", "{}", "model.type: no type MyCompany.Models.Nope in MyModels; its models are: MyCompany.Models.ResidualBlock, MyCompany.Models.ResidualNet")]
    [InlineData("MyCompany.Models.ResidualBlock", "{}", "model.type: MyCompany.Models.ResidualBlock has no public constructor (long[] inputShape, long outputs)")]
    [InlineData("MyCompany.Models.ResidualNet", "{width: wide}", "model.type: the constructor of MyCompany.Models.ResidualNet threw ArgumentException: option width must be a positive integer (got 'wide')")]
    public void A_model_that_does_not_fit_the_contract_is_refused_in_one_line_naming_the_field(string type, string options, string expected)
    {
        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(UserModels.Assembly(type, options), Image, 10, 1, UserModels.Code(UserModels.ExampleBytes)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Options_for_a_model_without_an_options_constructor_are_refused()
    {
        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(UserModels.Assembly("Variant.Net", "{width: 3}"), [4], 3, 1, UserModels.Code(ModelAssemblies.Variant(1))));

        Assert.StartsWith("model.options: Variant.Net takes no options", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(UserModels.Assembly("A.B"), Image, 10, 1, UserModels.Code("not a dll"u8.ToArray(), "MyModels.dll")));

        Assert.Equal("model.path: MyModels.dll is not a .NET assembly", error.Message);
    }

    [Fact]
    public void A_type_that_is_not_a_tensor_module_is_refused()
    {
        var bytes = ModelAssemblies.Compile("Plain", "namespace Plain; public sealed class Net { public Net(long[] s, long o) { } }");

        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(UserModels.Assembly("Plain.Net"), Image, 10, 1, UserModels.Code(bytes)));

        Assert.Equal("model.type: Plain.Net does not derive from TorchSharp's nn.Module<Tensor, Tensor>", error.Message);
    }

    [Fact]
    public void A_model_whose_outputs_do_not_fit_the_data_is_refused_before_training()
    {
        var bytes = ModelAssemblies.Compile("Flat", """
            using static TorchSharp.torch;
            namespace Flat;
            public sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net(long[] s, long o) : base("net") { }
                public override Tensor forward(Tensor input) => input.flatten(1);
            }
            """);

        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(UserModels.Assembly("Flat.Net"), Image, 10, 1, UserModels.Code(bytes)));

        Assert.Equal("model: Flat.Net maps a batch of shape [2, 1, 28, 28] to [2, 784]; the data needs [2, 10] (10 outputs)", error.Message);
    }
}
