using Platform.Spec;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// A small convolutional net for 28x28 images: <c>depth</c> stages of 3x3 convolution, norm and
/// activation (with <c>residual</c>, plus a residual block), each halving the resolution, then two
/// linear layers. Stage s has <c>width</c> * 2^s channels.
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

    /// <summary>conv, norm, activation, optional residual block, 2x2 max-pool.</summary>
    private sealed class ConvStage : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv;
        private readonly nn.Module<Tensor, Tensor> norm;
        private readonly nn.Module<Tensor, Tensor> act;
        private readonly Conv2d? res1;
        private readonly Conv2d? res2;
        private readonly nn.Module<Tensor, Tensor>? resAct;
        private readonly MaxPool2d pool;

        public ConvStage(ModelSpec spec, long inChannels, long outChannels)
            : base("stage")
        {
            conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
            norm = Layers.Norm2d(spec.Norm, outChannels);
            act = Layers.Activation(spec.Activation);
            if (spec.Residual)
            {
                res1 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
                res2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
                resAct = Layers.Activation(spec.Activation);
            }

            pool = nn.MaxPool2d(2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = act.call(norm.call(conv.call(input)));
            if (res1 is not null && res2 is not null && resAct is not null)
            {
                x = x + res2.call(resAct.call(res1.call(x)));
            }

            return pool.call(x);
        }
    }
}
