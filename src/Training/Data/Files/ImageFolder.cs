using Platform.Spec;
using SkiaSharp;
using static TorchSharp.torch;

namespace Platform.Training.Data.Files;

/// <summary>
/// The ImageFolder layout: one sub-folder per class (ids in sorted folder-name order), PNG or JPEG images
/// inside, decoded and resized with SkiaSharp to one size and channel count, pixels / 255 into float32
/// <c>[N, C, H, W]</c>, held in memory.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>What every image of a set is brought to, and the class folders in id order; a test folder takes its training folder's.</summary>
    public sealed record Layout(IReadOnlyList<string> Classes, int Channels, int Height, int Width);

    internal static (RawSplit Split, Layout Layout) Read(string root, string field, IReadOnlyList<int>? size, int? channels, Layout? train)
    {
        var name = InputFile.Name(InputFile.Folder(root, field));
        var folders = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToArray();
        var classes = train?.Classes ?? folders;
        var unknown = folders.FirstOrDefault(f => !classes.Contains(f));
        if (unknown is not null)
        {
            throw new SpecException(field, $"{name}/{unknown} is not a class of the training images ({string.Join(", ", classes)})");
        }

        var images = folders.SelectMany(f => Directory.GetFiles(Path.Combine(root, f))
                .Where(p => Extensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(p => (Path: p, Class: IndexOf(classes, f))))
            .ToList();
        if (images.Count == 0)
        {
            throw new SpecException(field, $"{name} has no PNG or JPEG images in class folders (expected {name}/<class>/<image>.png or .jpg)");
        }

        var first = Info(images[0].Path, field);
        var layout = train ?? new Layout(classes, channels ?? Channels(first), size?[0] ?? first.Height, size?[1] ?? first.Width);
        var reference = train is null ? $"{name}/{Relative(root, images[0].Path)} has" : "the training images have";
        var per = layout.Channels * layout.Height * layout.Width;
        var pixels = new float[(long)images.Count * per];
        for (var i = 0; i < images.Count; i++)
        {
            Decode(images[i].Path, field, layout, convert: channels is not null, pixels.AsSpan(i * per, per), () => $"{reference} {layout.Channels} channel(s) but {name}/{Relative(root, images[i].Path)}");
        }

        var labels = new LabelValues(name, field, [.. images.Select(p => (double)p.Class)], [images.Count], Integers: true);
        var inputs = tensor(pixels, [images.Count, layout.Channels, layout.Height, layout.Width]);
        var split = new RawSplit(name, field, images.Count, [layout.Channels, layout.Height, layout.Width], labels, RawSplit.Pixels, MayHoldNonFinite: false, t => new TensorDataset(inputs, t));
        return (split, layout);
    }

    private static void Decode(string path, string field, Layout layout, bool convert, Span<float> destination, Func<string> mismatch)
    {
        using var codec = SKCodec.Create(path) ?? throw new SpecException(field, $"{path} is not an image SkiaSharp can decode");
        var own = Channels(codec.Info);
        if (own != layout.Channels && !convert)
        {
            throw new SpecException(field, $"{mismatch()} has {own}; set data.channels to 1 or 3 to convert them all");
        }

        // Decoded as unpremultiplied RGBA whatever the file holds, so one path serves grey and colour.
        using var decoded = SKBitmap.Decode(codec, new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul))
            ?? throw new SpecException(field, $"{path} could not be decoded");
        using var resized = decoded.Width == layout.Width && decoded.Height == layout.Height
            ? null
            : decoded.Resize(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        var rgba = (resized ?? decoded).GetPixelSpan();
        var plane = layout.Height * layout.Width;
        for (var i = 0; i < plane; i++)
        {
            var (r, g, b) = (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2]);
            if (layout.Channels == 1)
            {
                // A grey image decodes to r = g = b; colour becomes grey with ITU-R 601 luma weights.
                destination[i] = own == 1 ? r / 255f : ((0.299f * r) + (0.587f * g) + (0.114f * b)) / 255f;
            }
            else
            {
                (destination[i], destination[plane + i], destination[(2 * plane) + i]) = (r / 255f, g / 255f, b / 255f);
            }
        }
    }

    private static SKImageInfo Info(string path, string field)
    {
        using var codec = SKCodec.Create(path) ?? throw new SpecException(field, $"{path} is not an image SkiaSharp can decode");
        return codec.Info;
    }

    private static int Channels(SKImageInfo info) => info.ColorType is SKColorType.Gray8 or SKColorType.Alpha8 ? 1 : 3;

    private static int IndexOf(IReadOnlyList<string> classes, string folder) => classes.Select((c, i) => (c, i)).First(p => p.c == folder).i;

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path);
}
