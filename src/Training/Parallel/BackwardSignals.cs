using static TorchSharp.torch;

namespace Platform.Training.Parallel;

/// <summary>
/// Tells, during <c>backward()</c>, when a module's parameters have their gradients: TorchSharp has
/// no backward hooks, so a forward pre-hook on every module that owns parameters passes its input
/// through an identity autograd function, whose backward runs right after the module's own (the
/// autograd engine accumulates parameter gradients before it runs anything else that became ready
/// with them). Works for any module called through <c>call()</c>; a module called twice in one
/// forward pass counts as done after its second backward. Modules it never sees (a first layer,
/// whose input needs no gradient; the inside of a TorchScript module) are done when backward returns.
/// </summary>
internal sealed class BackwardSignals : IDisposable
{
    private readonly List<Action> unhook = [];
    private readonly int[] pending;
    private bool armed;

    public BackwardSignals(nn.Module model, IReadOnlyList<(string Name, Tensor Param)> parameters)
    {
        var index = parameters.Select((p, i) => (p.Name, i)).ToDictionary(p => p.Name, p => p.i);
        var owners = new List<int[]>();
        foreach (var (name, module) in model.named_modules())
        {
            var own = module.named_parameters(recurse: false).Select(p => name.Length == 0 ? p.name : $"{name}.{p.name}").Where(index.ContainsKey).Select(n => index[n]).ToArray();
            if (own.Length > 0 && module is nn.Module<Tensor, Tensor> m)
            {
                var k = owners.Count;
                owners.Add(own);
                unhook.Add(m.register_forward_pre_hook((_, input) => Enter(k, input)).remove);
            }
        }

        Modules = owners;
        pending = new int[owners.Count];
    }

    /// <summary>The parameter indices each watched module owns, in the order <see cref="ModuleDone"/> names them.</summary>
    public IReadOnlyList<int[]> Modules { get; }

    /// <summary>Called on the thread running backward, with a module's index, once its parameters' gradients are complete.</summary>
    public Action<int>? ModuleDone { get; set; }

    /// <summary>Watches the next forward and backward pass (a training step; evaluation is not watched).</summary>
    public void Arm()
    {
        Array.Clear(pending);
        armed = true;
    }

    public void Disarm() => armed = false;

    internal void Done(int module)
    {
        if (--pending[module] == 0)
        {
            ModuleDone?.Invoke(module);
        }
    }

    public void Dispose()
    {
        foreach (var remove in unhook)
        {
            remove();
        }
    }

    private Tensor Enter(int module, Tensor input)
    {
        if (!armed || !input.requires_grad)
        {
            return input;
        }

        pending[module]++;
        return BackwardSignal.Apply(input, this, module);
    }
}

/// <summary>The identity on the way forward; on the way back it tells its <see cref="BackwardSignals"/> that a module is done.</summary>
internal sealed class BackwardSignal : autograd.SingleTensorFunction<BackwardSignal>
{
    public override string Name => "PlatformBackwardSignal";

    public static Tensor Apply(Tensor input, BackwardSignals signals, int module) => apply(input, signals, module);

    public override Tensor forward(autograd.AutogradContext ctx, object[] vars)
    {
        ctx.save_data("signals", vars[1]);
        ctx.save_data("module", vars[2]);
        return ((Tensor)vars[0]).alias();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        ((BackwardSignals)ctx.get_data("signals")).Done((int)ctx.get_data("module"));
        // One gradient per input: the tensor's passes through, the two others take none.
        return [grad, null!, null!];
    }
}
