using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>
/// Forward hooks on a model's sigmoid, tanh and ReLU modules (TorchSharp fires them only through
/// <c>module.call</c>, which the models use). While capturing, each call records the fraction of
/// saturated outputs (within the tolerance of the output range from a bound) and the fraction of
/// dead units (a unit that is exactly zero for every sample of the batch). Figures stay on the
/// tensor side until <see cref="Read"/> fetches them all at once.
/// </summary>
internal sealed class ActivationMonitor
{
    private readonly List<(Tensor Saturated, Tensor Dead)>?[] pending;
    private readonly double tolerance;
    private bool capturing;

    public ActivationMonitor(nn.Module model, double tolerance)
    {
        this.tolerance = tolerance;
        var names = new List<string>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is nn.Module<Tensor, Tensor> m && Kind(module) is { } kind)
            {
                var index = names.Count;
                names.Add(name);
                m.register_forward_hook((_, _, output) => Observe(index, kind, output)!);
            }
        }

        Names = names;
        pending = new List<(Tensor, Tensor)>?[names.Count];
    }

    private enum ActivationKind
    {
        Sigmoid,
        Tanh,
        Relu,
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Starts recording the next forward pass (a training step; evaluation is not recorded).</summary>
    public void Begin()
    {
        Array.Clear(pending);
        capturing = Names.Count > 0;
    }

    /// <summary>Saturated fractions, then dead fractions, one per module; stops recording.</summary>
    public float[] Read()
    {
        capturing = false;
        var values = new float[2 * Names.Count];
        var observed = Enumerable.Range(0, Names.Count).Where(i => pending[i] is { Count: > 0 }).ToList();
        if (observed.Count == 0)
        {
            return values;
        }

        using var scope = NewDisposeScope();
        var means = stack(observed.SelectMany(i => new[]
        {
            stack(pending[i]!.Select(p => p.Saturated).ToArray()).mean(),
            stack(pending[i]!.Select(p => p.Dead).ToArray()).mean(),
        }).ToArray());
        var host = means.data<float>().ToArray();
        for (var k = 0; k < observed.Count; k++)
        {
            values[observed[k]] = host[2 * k];
            values[Names.Count + observed[k]] = host[(2 * k) + 1];
        }

        return values;
    }

    private Tensor? Observe(int index, ActivationKind kind, Tensor output)
    {
        if (!capturing)
        {
            return null;
        }

        using var noGrad = no_grad();
        var y = output.detach();
        var saturated = kind switch
        {
            ActivationKind.Sigmoid => y.le(tolerance).logical_or(y.ge(1 - tolerance)).to(float32).mean(),
            ActivationKind.Tanh => y.abs().ge(1 - (2 * tolerance)).to(float32).mean(),
            _ => zeros(1).squeeze(),
        };
        var dead = kind == ActivationKind.Relu
            ? y.flatten(1).eq(0).all(0).to(float32).mean()
            : zeros(1).squeeze();
        (pending[index] ??= []).Add((saturated, dead));
        return null;
    }

    private static ActivationKind? Kind(nn.Module module) => module switch
    {
        Sigmoid => ActivationKind.Sigmoid,
        Tanh => ActivationKind.Tanh,
        ReLU => ActivationKind.Relu,
        _ => null,
    };
}
