using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Silo.Hosting;

namespace Platform.Bench.Scaling;

/// <summary>
/// PyTorch DDP over gloo on the same machine (Debian's python3-torch), training the benchmark's models
/// with the same data, batch and optimizer: two processes of one torch thread each, as the platform's
/// two ranks run. Its figure is samples/s of wall time over the timed steps.
/// </summary>
public static class DdpPeer
{
    private const string Python = "/usr/bin/python3";

    private static string Script => Path.Combine(AppContext.BaseDirectory, "ddp", "ddp_train.py");

    /// <summary>Why DDP cannot run here (no Debian python3 with torch); null when it can.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(Python) || !File.Exists(Script))
        {
            return $"{Python} or {Script} not found";
        }

        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch, numpy"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : "Debian's python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)";
    }

    public static async Task<double> RunAsync(string model, int steps, int ranks = 2)
    {
        var port = Endpoints.FreePort().ToString(CultureInfo.InvariantCulture);
        var processes = Enumerable.Range(0, ranks).Select(rank =>
        {
            var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Script, model, steps.ToString(CultureInfo.InvariantCulture), Platform.Training.Data.FashionMnist.DefaultDir })
            {
                start.ArgumentList.Add(arg);
            }

            (start.Environment["RANK"], start.Environment["WORLD_SIZE"], start.Environment["MASTER_ADDR"], start.Environment["MASTER_PORT"]) =
                (rank.ToString(CultureInfo.InvariantCulture), ranks.ToString(CultureInfo.InvariantCulture), "127.0.0.1", port);
            (start.Environment["OMP_NUM_THREADS"], start.Environment["OPENBLAS_NUM_THREADS"]) = ("1", "1");
            return Process.Start(start)!;
        }).ToList();
        try
        {
            var outputs = await Task.WhenAll(processes.Select(p => p.StandardOutput.ReadToEndAsync()));
            var errors = await Task.WhenAll(processes.Select(p => p.StandardError.ReadToEndAsync()));
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync()));
            return processes[0].ExitCode == 0 && JsonNode.Parse(outputs[0]) is { } result
                ? result["samples_per_second"]!.GetValue<double>()
                : throw new InvalidOperationException($"PyTorch DDP failed: {errors[0].Trim()}");
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }

                p.Dispose();
            }
        }
    }
}
