using Platform.Spec;
using Platform.Training.Runtime;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>Builds the model a spec names, with torch's generator seeded so every rank starts identical.</summary>
public static class ModelFactory
{
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, long[] sampleShape, int outputs, long seed) =>
        TorchRuntime.Seeded(seed, () => spec.Kind switch
        {
            "mlp" => (nn.Module<Tensor, Tensor>)new Mlp(spec, sampleShape.Aggregate(1L, (a, d) => a * d), outputs),
            "cnn" => new Cnn(spec, sampleShape[0], sampleShape[^1], outputs),
            "rnn" => new Rnn(spec, sampleShape[^1], outputs),
            _ => throw new SpecException("model.kind", $"unknown value '{spec.Kind}'"),
        });
}
