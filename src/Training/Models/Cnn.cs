using Platform.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// A convolutional net for 28x28 images: <c>depth</c> stages of 3x3 convolution, norm and
/// activation followed by <c>blocks</c> two-convolution blocks (residual ones with <c>residual</c>;
/// by default one with <c>residual</c>, none without), each stage halving the resolution, then two
/// linear layers. Stage s has <c>width</c> * 2^s channels; a stage has 1 + 2 * blocks convolutions.
/// </summary>
public sealed class Cnn : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> stages = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> acts = new();
    private readonly Linear hidden;
    private readonly nn.Module<Tensor, Tensor> hiddenAct;
    private readonly Linear head;

    public Cnn(ModelSpec spec, long channels, long side, long outputs)
        : base("cnn")
    {
        var inChannels = channels;
        for (var s = 0; s < spec.Depth; s++)
        {
            var outChannels = (long)spec.Width << s;
            stages.Add(new ConvStage(spec, inChannels, outChannels));
            inChannels = outChannels;
            side /= 2;
        }

        hidden = nn.Linear(inChannels * side * side, 128);
        hiddenAct = Layers.Activation(spec.Activation);
        head = nn.Linear(128, outputs);
        acts.Add(hiddenAct);
        RegisterComponents();
        Layers.Initialise(this, spec.Init);
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var stage in stages)
        {
            x = stage.call(x);
        }

        return head.call(hiddenAct.call(hidden.call(x.flatten(1))));
    }

    /// <summary>conv, norm, activation, then <see cref="ModelSpec.BlocksPerStage"/> two-convolution blocks, 2x2 max-pool.</summary>
    private sealed class ConvStage : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv;
        private readonly nn.Module<Tensor, Tensor> norm;
        private readonly nn.Module<Tensor, Tensor> act;
        private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks = new();
        private readonly MaxPool2d pool;

        public ConvStage(ModelSpec spec, long inChannels, long outChannels)
            : base("stage")
        {
            conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
            norm = Layers.Norm2d(spec.Norm, outChannels);
            act = Layers.Activation(spec.Activation);
            for (var b = 0; b < spec.BlocksPerStage; b++)
            {
                blocks.Add(new ConvBlock(spec, outChannels));
            }

            pool = nn.MaxPool2d(2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = act.call(norm.call(conv.call(input)));
            foreach (var block in blocks)
            {
                x = block.call(x);
            }

            return pool.call(x);
        }
    }

    /// <summary>
    /// Two 3x3 convolutions at constant width: x + norm(conv2(act(norm(conv1(x))))) with
    /// <c>residual</c>, act(norm(conv2(act(norm(conv1(x)))))) without, so a plain and a residual net
    /// of the same <c>blocks</c> have the same convolutions.
    /// </summary>
    private sealed class ConvBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> norm1;
        private readonly nn.Module<Tensor, Tensor> act1;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> norm2;
        private readonly nn.Module<Tensor, Tensor>? act2;

        public ConvBlock(ModelSpec spec, long channels)
            : base("block")
        {
            conv1 = nn.Conv2d(channels, channels, 3, padding: 1);
            norm1 = Layers.Norm2d(spec.Norm, channels);
            act1 = Layers.Activation(spec.Activation);
            conv2 = nn.Conv2d(channels, channels, 3, padding: 1);
            norm2 = Layers.Norm2d(spec.Norm, channels);
            act2 = spec.Residual ? null : Layers.Activation(spec.Activation);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var y = norm2.call(conv2.call(act1.call(norm1.call(conv1.call(input)))));
            return act2 is null ? input + y : act2.call(y);
        }
    }
}
