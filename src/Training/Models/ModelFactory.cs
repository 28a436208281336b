using System.Runtime.InteropServices;
using Platform.Spec;
using Platform.Training.Models.UserCode;
using Platform.Training.Runtime;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>Builds the model a spec names, with torch's generator seeded so every rank starts identical.</summary>
public static class ModelFactory
{
    /// <summary>A built-in model (<c>mlp</c>, <c>cnn</c>, <c>rnn</c>).</summary>
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, long[] sampleShape, int outputs, long seed) =>
        TorchRuntime.Seeded(seed, () => BuiltIn(spec, sampleShape, outputs));

    /// <summary>
    /// Any model a spec can name; a user's model is built from <paramref name="code"/>, the bytes shipped
    /// with the job, and checked with one forward pass on two zero samples so that a model that does not
    /// fit the data fails here, with its field named, rather than in the first step.
    /// </summary>
    public static TrainableModel Build(ModelSpec spec, long[] sampleShape, int outputs, long seed, ModelCode? code)
    {
        if (!spec.IsUserCode)
        {
            CheckShape(spec, sampleShape);
            return TrainableModel.BuiltIn(Create(spec, sampleShape, outputs, seed), spec.Kind);
        }

        if (code is null || code.Files.Count == 0)
        {
            throw new SpecException("model.path", $"no code was shipped with the job for {spec.Path}");
        }

        var model = spec.Kind == ModelSpec.Assembly
            ? AssemblyModel.Load(spec, code, sampleShape, outputs, build => TorchRuntime.Seeded(seed, build))
            : TorchScriptModel.Load(code);
        try
        {
            CheckParameters(model);
            Probe(model, sampleShape, outputs);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static nn.Module<Tensor, Tensor> BuiltIn(ModelSpec spec, long[] sampleShape, int outputs) => spec.Kind switch
    {
        "mlp" => new Mlp(spec, sampleShape.Aggregate(1L, (a, d) => a * d), outputs),
        "cnn" => new Cnn(spec, sampleShape[0], sampleShape[^1], outputs),
        "rnn" => new Rnn(spec, sampleShape[^1], outputs),
        _ => throw new SpecException("model.kind", $"unknown value '{spec.Kind}'"),
    };

    private static void CheckShape(ModelSpec spec, long[] shape)
    {
        var text = $"[{string.Join(", ", shape)}]";
        if (spec.Kind == "cnn" && (shape.Length != 3 || shape[1] != shape[2] || shape[1] >> spec.Depth < 1))
        {
            throw new SpecException("model.kind", $"cnn takes square images of shape [channels, size, size] with size >= 2^depth; the data's samples are {text}");
        }

        if (spec.Kind == "rnn" && shape.Length != 2)
        {
            throw new SpecException("model.kind", $"rnn takes sequences of shape [steps, features]; the data's samples are {text}");
        }
    }

    /// <summary>The step reads gradients and weights straight from float32 host memory, as the built-in models keep them.</summary>
    private static void CheckParameters(TrainableModel model)
    {
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            if (parameter.dtype != ScalarType.Float32 || parameter.device_type != TorchSharp.DeviceType.CPU)
            {
                throw new SpecException("model", $"{model.Description}'s parameter {name} is {parameter.dtype} on {parameter.device_type}; the platform trains float32 parameters created on the CPU");
            }
        }
    }

    private static void Probe(TrainableModel model, long[] sampleShape, int outputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var wasTraining = model.Module.training;
        model.Module.eval();
        Tensor output;
        try
        {
            output = model.Forward(zeros([2, .. sampleShape]));
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or InvalidCastException)
        {
            throw new SpecException("model", $"{model.Description} failed on a batch of shape [2, {string.Join(", ", sampleShape)}] (the data's samples): {Text.FirstLine(e.Message)}");
        }
        finally
        {
            model.Module.train(wasTraining);
        }

        if (!output.shape.SequenceEqual([2L, outputs]) && !(outputs == 1 && output.shape.SequenceEqual([2L])))
        {
            throw new SpecException("model", $"{model.Description} maps a batch of shape [2, {string.Join(", ", sampleShape)}] to [{string.Join(", ", output.shape)}]; the data needs [2, {outputs}] ({outputs} outputs)");
        }
    }
}
