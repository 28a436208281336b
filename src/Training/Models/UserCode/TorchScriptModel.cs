using System.Runtime.InteropServices;
using Platform.Spec;
using static TorchSharp.torch;

namespace Platform.Training.Models.UserCode;

/// <summary>A module a PyTorch user saved with <c>torch.jit.script(model).save(path)</c>, loaded from its shipped bytes.</summary>
internal static class TorchScriptModel
{
    public static TrainableModel Load(ModelCode code)
    {
        jit.ScriptModule<Tensor, Tensor> module;
        try
        {
            module = jit.load<Tensor, Tensor>(code.Main.Bytes, CPU);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            throw new SpecException("model.path", $"{code.Main.Name} is not a TorchScript file that libtorch can load: {Text.FirstLine(e.Message)}");
        }

        return new TrainableModel(module, module, $"{code.Main.Name} (TorchScript)");
    }
}
