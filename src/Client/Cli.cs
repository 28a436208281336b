using Platform.Client.Commands;
using Platform.Silo;
using Platform.Silo.CommandLine;
using Platform.Spec;

namespace Platform.Client;

/// <summary>Entry point of the <c>platform</c> command: dispatches and turns errors into one line and an exit code.</summary>
public static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    private const string Usage = """
        usage: platform <command> [options]

          train SPEC [--set k=v]... [--workers N] [--epochs E] [--steps S] [--device cpu|cuda|cuda:N] [--cluster HOST:PORT,...]
                     [--summary FILE] [--report FILE.png] [--metrics-port M] [--job-id ID] [--resume]
                                 train a job; without --cluster in a silo inside this process
          submit SPEC --cluster HOST:PORT,... [--set k=v]... [--job-id ID]
                                 start a job on a cluster and print its id
          status JOB --cluster HOST:PORT,...   show a job's state and progress
          cancel JOB --cluster HOST:PORT,...   cancel a job
          watch JOB --cluster HOST:PORT,... [--interval S] [--once]
                                 live per-layer gradient table until the job ends
          alerts JOB --cluster HOST:PORT,...   list the job's health findings and remedies
          report JOB --cluster HOST:PORT,... --out FILE.png
                                 draw gradient norm per layer over steps (log scale)
          export PATH --out FILE.safetensors   a job's latest good checkpoint (checkpoints/<job id>, or one file)
                                 as weights PyTorch loads with load_state_dict
          reproduce [--table FILE] [--out DIR] [--only TEXT]... [--cluster HOST:PORT,...]
                                 train every row of the seed's table (examples/seed/table.yaml) and write
                                 DIR/table.md (default reproduce/) with a gradient-norm picture per row
          silo [options]                       run a silo (see: platform silo --help)
          bench overhead [--steps N] [--runs R] [--threads T] [--json FILE]
                                 time training through the grains against a plain loop
          bench allreduce [--workers N] [--mb S] [--runs R] [--compression C] [--chunk-kb K] [--json FILE]
                                 allreduce bandwidth between silo processes against raw TCP
          bench scaling [--steps N] [--runs R] [--models fashion-mlp,cnn] [--transport auto|orleans|tcp] [--bucket-kb K] [--ddp auto|on|off] [--json FILE]
                                 samples/s of 2 ranks (defaults) against the best single rank and PyTorch DDP
          bench telemetry [--steps N] [--runs R] [--json FILE]
                                 step time with per-layer telemetry on against off (MLP and CNN)
          bench data [--mb S] [--runs R] [--json FILE]
                                 epochs/s reading a memory-mapped npy file against the same data in memory
          bench tls [--mb S] [--steps N] [--runs R] [--json FILE]
                                 allreduce time and a 2-rank job's samples/s on a mutual-TLS cluster against a plain one

        with --cluster, also --tls-cert PEM --tls-key PEM --tls-ca PEM (or PLATFORM_TLS_CERT, _KEY, _CA): mutual TLS
                                 with silos started with them (see README, "Mutual TLS")
        with --cluster, also --cluster-id ID and --service-id ID: the ids the silos were started with
                                 (default platform; or PLATFORM_CLUSTER_ID, PLATFORM_SERVICE_ID)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await Console.Out.WriteLineAsync(Usage);
            return args.Length == 0 ? BadInput : Ok;
        }

        if (args.Length > 1 && args[0] != "silo" && args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            return await Print(CommandUsage(args[0]) ?? $"error: unknown command '{args[0]}' (try: platform --help)", CommandUsage(args[0]) is null ? BadInput : Ok);
        }

        try
        {
            return args[0] switch
            {
                "train" => await TrainCommand.RunAsync(args[1..]),
                "submit" => await SubmitCommand.RunAsync(args[1..]),
                "status" => await StatusCommand.RunAsync(args[1..], cancel: false),
                "cancel" => await StatusCommand.RunAsync(args[1..], cancel: true),
                "watch" => await WatchCommand.RunAsync(args[1..]),
                "report" => await ReportCommand.RunAsync(args[1..]),
                "alerts" => await AlertsCommand.RunAsync(args[1..]),
                "export" => await ExportCommand.RunAsync(args[1..]),
                "silo" => args.Length > 1 && args[1] is "-h" or "--help"
                    ? await Print(SiloProgram.Usage, Ok)
                    : await SiloProgram.RunAsync(args[1..]),
                "bench" => await BenchCommand.RunAsync(args[1..]),
                "reproduce" => await ReproduceCommand.RunAsync(args[1..]),
                _ => throw new UsageException($"unknown command '{args[0]}' (try: platform --help)"),
            };
        }
        catch (UserInputException e)
        {
            return await Print($"error: {e.Message}", BadInput);
        }
        catch (ClusterUnavailableException e)
        {
            return await Print($"error: {e.Message}", Failed);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or IOException or InvalidOperationException)
        {
            // The cluster or the file system failed us; the user gets the reason, not a stack trace.
            return await Print($"error: the cluster failed the request: {Text.FirstLine(e)}", Failed);
        }
        catch (Exception e)
        {
            // Not the user's mistake: a bug of ours. One line here, the whole story in a file to report.
            var log = Path.Combine(Path.GetTempPath(), $"platform-error-{Environment.ProcessId}.log");
            await File.WriteAllTextAsync(log, e.ToString());
            return await Print($"error: internal error ({e.GetType().Name}: {Text.FirstLine(e.Message)}); details in {log}", Failed);
        }
    }

    /// <summary>The lines of <see cref="Usage"/> for one command (every <c>bench</c> for <c>bench</c>); null for an unknown one.</summary>
    internal static string? CommandUsage(string command)
    {
        var lines = Usage.Split('\n').Select(l => l.TrimEnd()).ToList();
        var block = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith($"  {command} ", StringComparison.Ordinal) || lines[i] == $"  {command}")
            {
                block.Add(lines[i]);
                for (var j = i + 1; j < lines.Count && lines[j].StartsWith("    ", StringComparison.Ordinal); j++)
                {
                    block.Add(lines[j]);
                }
            }
        }

        if (block.Any(l => l.Contains("--cluster", StringComparison.Ordinal)))
        {
            block.AddRange(lines.SkipWhile(l => !l.StartsWith("with --cluster", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).Select(l => "  " + l));
        }

        return block.Count == 0 ? null : $"usage: platform\n{string.Join('\n', block)}";
    }

    internal static async Task<int> Print(string message, int code)
    {
        await (code == Ok ? Console.Out : Console.Error).WriteLineAsync(message);
        return code;
    }
}
