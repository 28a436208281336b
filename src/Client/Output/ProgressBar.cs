using System.Globalization;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Output;

/// <summary>
/// Live progress on stderr: a redrawn bar on a terminal; on a pipe or file, a plain line every
/// few seconds so logs stay readable.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive, TimeProvider clock)
{
    private const int Width = 30;
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private long lastLine = long.MinValue;
    private int lastLength;

    public static ProgressBar ForConsole(TimeProvider clock) => new(Console.Error, !Console.IsErrorRedirected, clock);

    public void Show(JobProgress p)
    {
        if (p.TotalSteps == 0)
        {
            return;
        }

        var line = Format(p);
        if (interactive)
        {
            output.Write($"\r{line.PadRight(lastLength)}");
            lastLength = line.Length;
        }
        else if (lastLine == long.MinValue || clock.GetElapsedTime(lastLine) >= LogEvery)
        {
            output.WriteLine(line);
            lastLine = clock.GetTimestamp();
        }
    }

    public void Finish(JobProgress p)
    {
        if (interactive && lastLength > 0)
        {
            output.Write($"\r{Format(p).PadRight(lastLength)}\n");
        }
        else if (p.TotalSteps > 0)
        {
            output.WriteLine(Format(p));
        }
    }

    internal static string Format(JobProgress p)
    {
        var fraction = p.TotalSteps > 0 ? Math.Clamp((double)p.Step / p.TotalSteps, 0, 1) : 0;
        var filled = (int)Math.Round(fraction * Width);
        var bar = new string('#', filled) + new string('.', Width - filled);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{bar}] {fraction * 100,3:0}% step {p.Step}/{p.TotalSteps} epoch {p.Epoch:0.00} loss {p.Loss:0.0000} {p.SamplesPerSecond:N0} samples/s");
    }
}
