using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// A model the session trains: the module (parameters, buffers, submodules), its forward pass, and
/// whatever must be released with it (a user's code, unloaded when the job is done).
/// </summary>
public sealed class TrainableModel(nn.Module module, nn.IModule<Tensor, Tensor> forward, string description, Action? release = null) : IDisposable
{
    private bool disposed;

    public nn.Module Module { get; } = module;

    /// <summary>What was built, for logs and messages: <c>mlp</c>, <c>MyCompany.Models.WideNet</c>, <c>model.pt (TorchScript)</c>.</summary>
    public string Description { get; } = description;

    public Tensor Forward(Tensor input) => forward.call(input);

    public static TrainableModel BuiltIn(nn.Module<Tensor, Tensor> module, string kind) => new(module, module, kind);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Module.Dispose();
        release?.Invoke();
    }
}
