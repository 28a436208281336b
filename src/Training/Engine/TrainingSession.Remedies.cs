using Platform.Training.Health;
using Platform.Training.Telemetry;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>The remedies the health policy's decision asks the replica itself to apply: gradient scales and the data-driven re-initialisation.</summary>
public sealed partial class TrainingSession
{
    /// <summary>
    /// The <c>reinit</c> remedy: the layers rescaled on the first training samples (the same on every
    /// rank), and the optimizer's state cleared, since its moments were of the old weights.
    /// </summary>
    private void Reinitialise()
    {
        using var scope = NewDisposeScope();
        var (inputs, _) = OnDevice(data.Train.Range(0, Math.Min(data.Train.Count, spec.Health.Remedies.ReinitSamples)));
        DataDrivenInit.Apply(model.Module, model.Forward, inputs);
        using var noGrad = no_grad();
        foreach (var (_, state) in optimizer.State())
        {
            state.zero_();
        }

        optimizer.Updates = 0;
    }

    /// <summary>Scales gradients in place (clip, per-layer trust) and returns the norm that is applied.</summary>
    private double ApplyScales(StepDecision decision, StepTelemetry t)
    {
        var sum = 0.0;
        for (var i = 0; i < parameters.Count; i++)
        {
            var factor = decision.ClipScale * (decision.LayerScales?[i] ?? 1f);
            if (factor != 1 && parameters[i].Param.grad is { } g)
            {
                if (HostFast)
                {
                    var values = HostMemory.Floats(g);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(values, (float)factor, values);
                }
                else
                {
                    using var noGrad = no_grad();
                    g.mul_((float)factor);
                }
            }

            var norm = i < t.GradNorm.Length ? t.GradNorm[i] * factor : double.NaN;
            sum += norm * norm;
        }

        return Math.Sqrt(sum);
    }
}
