using Platform.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// A recurrent net over sequences [batch, time, features]: <c>depth</c> stacked layers of
/// <c>cell</c> (rnn, lstm or gru) with <c>width</c> hidden units, and a linear head on the last step.
/// Images are read row by row (28 steps of 28 pixels).
/// </summary>
public sealed class Rnn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module recurrent;
    private readonly Linear head;
    private readonly CellKind cell;
    private readonly long features;

    public Rnn(ModelSpec spec, long features, long outputs)
        : base("rnn")
    {
        this.features = features;
        cell = spec.Cell;
        recurrent = spec.Cell switch
        {
            CellKind.Lstm => nn.LSTM(features, spec.Width, spec.Depth, batchFirst: true),
            CellKind.Gru => nn.GRU(features, spec.Width, spec.Depth, batchFirst: true),
            _ => nn.RNN(
                features,
                spec.Width,
                spec.Depth,
                spec.Activation == ActivationKind.Relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                batchFirst: true),
        };
        head = nn.Linear(spec.Width, outputs);
        RegisterComponents();
        Layers.Initialise(this, spec.Init);
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.reshape(input.shape[0], -1, features);
        var output = cell switch
        {
            CellKind.Lstm => ((LSTM)recurrent).call(x, null).Item1,
            CellKind.Gru => ((GRU)recurrent).call(x, null).Item1,
            _ => ((RNN)recurrent).call(x, null).Item1,
        };
        return head.call(output.select(1, -1));
    }
}
