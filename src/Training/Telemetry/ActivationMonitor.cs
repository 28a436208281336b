using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Telemetry;

/// <summary>
/// Forward hooks on a model's sigmoid, tanh and ReLU modules (TorchSharp fires them only through
/// <c>module.call</c>, which the models use). While capturing, each call counts, straight from the
/// output's CPU memory, the saturated outputs (within the tolerance of the output range from a
/// bound) and the dead units (a unit, i.e. a feature of the output, that is exactly zero for every
/// sample looked at). No tensor operations: a hook costs one vectorised pass over the first
/// <see cref="SampledRows"/> samples of the rank's batch, which bounds its cost for large
/// activations (a convolution's) and is plenty for fractions. On the device path (a GPU, or
/// <c>engine.host_fast_path: false</c>) a hook counts with tensor operations on the device instead,
/// and the step's counts come to the host together when they are read.
/// </summary>
internal sealed class ActivationMonitor
{
    /// <summary>How many samples of the batch the figures are taken on.</summary>
    public const int SampledRows = 32;

    private readonly Counts[] counts;
    private readonly double tolerance;
    private readonly bool onHost;
    private readonly List<(int Module, bool Dead, Tensor Count)> pending = [];
    private bool capturing;

    public ActivationMonitor(nn.Module model, double tolerance, bool onHost = true)
    {
        this.tolerance = tolerance;
        this.onHost = onHost;
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
        counts = names.Select(_ => new Counts()).ToArray();
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
        pending.Clear();
        foreach (var c in counts)
        {
            c.Reset();
        }

        capturing = Names.Count > 0;
    }

    /// <summary>Saturated fractions, then dead fractions, one per module; stops recording.</summary>
    public float[] Read()
    {
        capturing = false;
        TakePending();
        var values = new float[2 * Names.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            var c = counts[i];
            values[i] = c.Outputs == 0 ? 0 : (float)c.Saturated / c.Outputs;
            values[Names.Count + i] = c.Units == 0 ? 0 : (float)c.Dead / c.Units;
        }

        return values;
    }

    private Tensor? Observe(int index, ActivationKind kind, Tensor output)
    {
        if (!capturing || output.numel() == 0)
        {
            return null;
        }

        if (!onHost)
        {
            ObserveOnDevice(index, kind, output);
            return null;
        }

        using var contiguous = output.is_contiguous() && output.dtype == ScalarType.Float32 ? null : output.detach().to(float32).contiguous();
        var rows = output.shape[0];
        var all = HostMemory.Floats(contiguous ?? output);
        var values = all[..(int)(all.Length / rows * Math.Min(rows, SampledRows))];
        var c = counts[index];
        c.Outputs += values.Length;
        switch (kind)
        {
            case ActivationKind.Sigmoid:
                c.Saturated += CountOutside(values, (float)tolerance, (float)(1 - tolerance));
                break;
            case ActivationKind.Tanh:
                c.Saturated += CountOutside(values, (float)(-1 + (2 * tolerance)), (float)(1 - (2 * tolerance)));
                break;
            default:
                var features = (int)(all.Length / rows);
                c.Dead += DeadUnits(values, features, c.Alive(features));
                c.Units += features;
                break;
        }

        return null;
    }

    /// <summary>The device path's hook: the counts stay on the device until <see cref="Read"/>.</summary>
    private void ObserveOnDevice(int index, ActivationKind kind, Tensor output)
    {
        var rows = Math.Min(output.shape[0], SampledRows);
        var values = output.detach().narrow(0, 0, rows).reshape(rows, -1).to(float32);
        var c = counts[index];
        c.Outputs += values.numel();
        var (low, high) = kind == ActivationKind.Tanh
            ? ((float)(-1 + (2 * tolerance)), (float)(1 - (2 * tolerance)))
            : ((float)tolerance, (float)(1 - tolerance));
        if (kind == ActivationKind.Relu)
        {
            c.Units += values.shape[1];
            pending.Add((index, true, values.ne(0).any(0).logical_not().sum()));
            return;
        }

        pending.Add((index, false, values.le(low).logical_or(values.ge(high)).sum()));
    }

    /// <summary>Adds the device path's counts of this step, copied to the host in one vector.</summary>
    private void TakePending()
    {
        if (pending.Count == 0)
        {
            return;
        }

        var all = stack([.. pending.Select(p => p.Count)]).cpu().data<long>().ToArray();
        for (var i = 0; i < pending.Count; i++)
        {
            var c = counts[pending[i].Module];
            if (pending[i].Dead)
            {
                c.Dead += all[i];
            }
            else
            {
                c.Saturated += all[i];
            }
        }

        pending.Clear();
    }

    /// <summary>How many values are at or below <paramref name="low"/> or at or above <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountOutside(ReadOnlySpan<float> values, float low, float high)
    {
        var vectors = MemoryMarshal.Cast<float, Vector256<float>>(values);
        var (lo, hi, count) = (Vector256.Create(low), Vector256.Create(high), Vector256<int>.Zero);
        foreach (var v in vectors)
        {
            count -= (Vector256.LessThanOrEqual(v, lo) | Vector256.GreaterThanOrEqual(v, hi)).AsInt32();
        }

        long total = Vector256.Sum(count);
        for (var i = vectors.Length * Vector256<float>.Count; i < values.Length; i++)
        {
            total += values[i] <= low || values[i] >= high ? 1 : 0;
        }

        return total;
    }

    /// <summary>Features (columns of a [batch, features] layout) that are zero in every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DeadUnits(ReadOnlySpan<float> values, int features, Span<int> alive)
    {
        alive.Clear();
        var aliveVectors = MemoryMarshal.Cast<int, Vector256<int>>(alive);
        var whole = aliveVectors.Length * Vector256<int>.Count;
        for (var row = 0; row + features <= values.Length; row += features)
        {
            var rowValues = values.Slice(row, features);
            var rowVectors = MemoryMarshal.Cast<float, Vector256<float>>(rowValues[..whole]);
            for (var j = 0; j < rowVectors.Length; j++)
            {
                aliveVectors[j] |= ~Vector256.Equals(rowVectors[j], Vector256<float>.Zero).AsInt32();
            }

            for (var j = whole; j < features; j++)
            {
                alive[j] |= rowValues[j] != 0 ? 1 : 0;
            }
        }

        return alive.Count(0);
    }

    private static ActivationKind? Kind(nn.Module module) => module switch
    {
        Sigmoid => ActivationKind.Sigmoid,
        Tanh => ActivationKind.Tanh,
        ReLU => ActivationKind.Relu,
        _ => null,
    };

    /// <summary>One module's tallies over the calls of one step.</summary>
    private sealed class Counts
    {
        private int[] alive = [];

        public long Outputs { get; set; }

        public long Saturated { get; set; }

        public long Units { get; set; }

        public long Dead { get; set; }

        public void Reset() => (Outputs, Saturated, Units, Dead) = (0, 0, 0, 0);

        /// <summary>A reusable per-feature scratch buffer, padded to whole vectors.</summary>
        public Span<int> Alive(int features)
        {
            if (alive.Length < features)
            {
                alive = new int[features];
            }

            return alive.AsSpan(0, features);
        }
    }
}
