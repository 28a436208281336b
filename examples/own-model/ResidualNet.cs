using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MyCompany.Models;

/// <summary>
/// A small residual convolutional net for images: a strided 3x3 stem, <c>blocks</c> residual blocks
/// of <c>width</c> channels, then two linear layers. Options (as strings): <c>width</c> (16), <c>blocks</c> (1).
/// </summary>
public sealed class ResidualNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly ReLU stemAct = nn.ReLU();
    private readonly ModuleList<ResidualBlock> blocks = new();
    private readonly Linear hidden;
    private readonly ReLU hiddenAct = nn.ReLU();
    private readonly Linear head;

    public ResidualNet(long[] inputShape, long outputs)
        : this(inputShape, outputs, new Dictionary<string, string>())
    {
    }

    public ResidualNet(long[] inputShape, long outputs, IReadOnlyDictionary<string, string> options)
        : base(nameof(ResidualNet))
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"ResidualNet takes images [channels, height, width], not samples of shape [{string.Join(", ", inputShape)}]");
        }

        var width = Option(options, "width", 16);
        var count = Option(options, "blocks", 1);
        stem = nn.Conv2d(inputShape[0], width, 3, stride: 2, padding: 1);
        for (var i = 0; i < count; i++)
        {
            blocks.Add(new ResidualBlock(width));
        }

        var (height, side) = ((inputShape[1] + 1) / 2, (inputShape[2] + 1) / 2);
        hidden = nn.Linear(width * height * side, 128);
        head = nn.Linear(128, outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = stemAct.call(stem.call(input));
        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        return head.call(hiddenAct.call(hidden.call(x.flatten(1))));
    }

    private static int Option(IReadOnlyDictionary<string, string> options, string name, int fallback)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, out var value) && value > 0
            ? value
            : throw new ArgumentException($"option {name} must be a positive integer (got '{text}')");
    }
}

/// <summary>conv-norm-relu-conv-norm plus the input, then relu: the block of a ResNet.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d norm1;
    private readonly ReLU act1 = nn.ReLU();
    private readonly Conv2d conv2;
    private readonly BatchNorm2d norm2;
    private readonly ReLU act2 = nn.ReLU();

    public ResidualBlock(long channels)
        : base(nameof(ResidualBlock))
    {
        conv1 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
        norm1 = nn.BatchNorm2d(channels);
        conv2 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
        norm2 = nn.BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        act2.call(norm2.call(conv2.call(act1.call(norm1.call(conv1.call(input))))) + input);
}
