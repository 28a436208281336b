using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// A split's labels as read, whole: every value, the array's shape, and whether the file stores whole
/// numbers. <see cref="Name"/> says where they came from (<c>digits.npz[y]</c>), <see cref="Field"/> which spec field names that file.
/// </summary>
public sealed record LabelValues(string Name, string Field, double[] Values, long[] Shape, bool Integers)
{
    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    public static LabelValues From(ArrayLayout layout, ReadOnlySpan<byte> data, string name, string field) =>
        new(name, field, Elements.ToDoubles(data, layout.Kind), layout.Shape, Elements.IsInteger(layout.Kind));
}

/// <summary>
/// One split as read from its files: <see cref="WithTargets"/> makes the sample source once both splits'
/// labels are checked together (the class count spans both). <see cref="Raw"/> says what the inputs are
/// (<c>pixel / 255</c>, <c>as stored</c>); <see cref="MayHoldNonFinite"/> is false where the stored type
/// cannot hold NaN or infinity, so the scan for them is skipped.
/// </summary>
internal sealed record RawSplit(string Name, string Field, int Count, long[] SampleShape, LabelValues Labels, string Raw, bool MayHoldNonFinite, Func<Tensor, ISampleSource> WithTargets)
{
    public const string AsStored = "as stored";
    public const string Pixels = "pixel / 255";
}
