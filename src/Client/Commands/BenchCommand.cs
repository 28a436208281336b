using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Bench.Allreduce;
using Platform.Bench.Cluster;
using Platform.Bench.Data;
using Platform.Bench.Overhead;
using Platform.Bench.Scaling;
using Platform.Bench.Telemetry;
using Platform.Silo.Hosting;
using Platform.Silo.CommandLine;

namespace Platform.Client.Commands;

/// <summary><c>platform bench NAME</c>: runs a benchmark, prints its figures, optionally writes them as JSON.</summary>
internal static partial class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var reader = new ArgReader(args, new HashSet<string>());
        var name = reader.Positional(0, "benchmark name (overhead)");
        return name switch
        {
            "overhead" => await OverheadAsync(reader),
            "allreduce" => await AllreduceAsync(reader),
            "scaling" => await ScalingAsync(reader),
            "telemetry" => await TelemetryAsync(reader),
            "data" => await DataAsync(reader),
            "tls" => await TlsAsync(reader),
            "adaptive-batch" => await AdaptiveBatchAsync(reader),
            "tcp-peer" => await TcpPeerAsync(reader),
            _ => throw new UsageException($"unknown benchmark '{name}' (expected: overhead, allreduce, scaling, telemetry, data, tls, adaptive-batch)"),
        };
    }

    private static async Task<int> AllreduceAsync(ArgReader reader)
    {
        var workers = reader.Int("workers", min: 2) ?? 2;
        var megabytes = reader.Int("mb", min: 1) ?? 64;
        var iterations = reader.Int("iterations", min: 1) ?? 7;
        var runs = reader.Int("runs", min: 1) ?? 3;
        var compression = reader.Value("compression") ?? "none";
        var chunkKb = reader.Int("chunk-kb", min: 4);
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var r = await new AllreduceBenchmark(PlatformDll, workers, megabytes, iterations, runs, compression, chunkKb, Console.Error).RunAsync();
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"allreduce {megabytes} MB over {workers} ranks, compression {compression}: {r.Transport} transport algbw {r.AlgBwMbS:0} MB/s, busbw {r.BusBwMbS:0} MB/s; raw tcp busbw {r.RawTcpMbS:0} MB/s; ratio {r.Ratio:0.000}, median of {runs} paired runs (orleans messages: busbw {r.OrleansBusBwMbS:0} MB/s, ratio {r.OrleansRatio:0.000}; direct tcp: busbw {r.TcpBusBwMbS:0} MB/s, ratio {r.TcpRatio:0.000}; shared memory: busbw {r.ShmBusBwMbS:0} MB/s, ratio {r.ShmRatio:0.000})"));
        await WriteJsonAsync(json, new JsonObject
        {
            ["algbw_mb_s"] = r.AlgBwMbS,
            ["busbw_mb_s"] = r.BusBwMbS,
            ["raw_tcp_mb_s"] = r.RawTcpMbS,
            ["ratio"] = r.Ratio,
            ["transport"] = r.Transport,
            ["compression"] = r.Compression,
            ["workers"] = r.Workers,
            ["bytes"] = r.Bytes,
            ["orleans_busbw_mb_s"] = r.OrleansBusBwMbS,
            ["orleans_ratio"] = r.OrleansRatio,
            ["tcp_busbw_mb_s"] = r.TcpBusBwMbS,
            ["tcp_ratio"] = r.TcpRatio,
            ["shm_busbw_mb_s"] = r.ShmBusBwMbS,
            ["shm_ratio"] = r.ShmRatio,
        });
        return Cli.Ok;
    }

    private static async Task<int> ScalingAsync(ArgReader reader)
    {
        var steps = reader.Int("steps", min: 10) ?? 400;
        var runs = reader.Int("runs", min: 1) ?? 3;
        var transport = reader.Value("transport") ?? "auto";
        var bucketKb = reader.Int("bucket-kb", min: 0);
        var json = reader.Value("json");
        var known = BenchJobs.Models.Select(m => m.Name).ToList();
        var models = (reader.Value("models") ?? string.Join(',', known)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (models.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
        {
            throw new UsageException($"--models: unknown model '{unknown}' (expected: {string.Join(", ", known)})");
        }

        var withDdp = (reader.Value("ddp") ?? "auto") switch
        {
            "auto" => DdpPeer.Unavailable() is null,
            "on" => DdpPeer.Unavailable() is { } why ? throw new UsageException($"--ddp on: {why}") : true,
            "off" => false,
            var other => throw new UsageException($"--ddp: expected auto, on or off (got '{other}')"),
        };
        reader.Done(maxPositionals: 1);
        if (!withDdp && DdpPeer.Unavailable() is { } missing)
        {
            await Console.Error.WriteLineAsync($"PyTorch DDP is not run: {missing}");
        }

        var results = await new ScalingBenchmark(PlatformDll, steps, runs, transport, withDdp, bucketKb, models, Console.Error).RunAsync();
        var doc = new JsonObject { ["transport"] = transport, ["steps"] = steps, ["runs"] = runs, ["bucket_kb"] = bucketKb };
        foreach (var r in results)
        {
            var peer = r.Ddp is { } d ? string.Create(CultureInfo.InvariantCulture, $"; PyTorch DDP gloo 2 x 1 thread {d:0} samples/s, ratio to DDP {r.DdpRatio:0.000}") : "";
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"scaling {r.Model}: best single rank (x {r.OneRankThreads} thread(s)) {r.OneRank:0} samples/s, 2 ranks on 2 silos (defaults) {r.TwoRanks:0} samples/s, ratio {r.Ratio:0.000}{peer}; ceiling (2 independent half-batch jobs x 1 thread at once) {r.Ceiling:0} samples/s, {r.CeilingRatio:0.000} of the best single rank"));
            await Console.Out.WriteLineAsync($"  two-rank step, median ms: {string.Join(", ", r.TwoRankPhasesMs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.000}")))}");
            doc[r.Model] = new JsonObject
            {
                ["one_rank"] = r.OneRank,
                ["one_rank_threads"] = r.OneRankThreads,
                ["one_rank_by_threads"] = new JsonObject(r.OneRankByThreads.Select(t => KeyValuePair.Create(t.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)t.Value))),
                ["two_ranks"] = r.TwoRanks,
                ["ratio"] = r.Ratio,
                ["ddp"] = r.Ddp,
                ["ratio_to_ddp"] = r.DdpRatio,
                ["ceiling"] = r.Ceiling,
                ["ceiling_ratio"] = r.CeilingRatio,
                ["two_ranks_phases_ms"] = new JsonObject(r.TwoRankPhasesMs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            };
        }

        await WriteJsonAsync(json, doc);
        return Cli.Ok;
    }

    private static async Task<int> TelemetryAsync(ArgReader reader)
    {
        var steps = reader.Int("steps", min: 10) ?? 300;
        var runs = reader.Int("runs", min: 1) ?? 9;
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var results = await new TelemetryBenchmark(steps, runs, Console.Error).RunAsync();
        var doc = new JsonObject { ["steps"] = steps, ["runs"] = runs };
        foreach (var r in results)
        {
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"telemetry {r.Model}: on {r.OnMs:0.000} ms/step, off {r.OffMs:0.000} ms/step, ratio {r.Ratio:0.000} (median of {runs} paired runs of {steps} steps)"));
            doc[r.Model] = new JsonObject
            {
                ["ratio"] = r.Ratio,
                ["on_ms"] = r.OnMs,
                ["off_ms"] = r.OffMs,
                ["on_runs_ms"] = new JsonArray([.. r.OnRunsMs.Select(v => (JsonNode?)v)]),
                ["off_runs_ms"] = new JsonArray([.. r.OffRunsMs.Select(v => (JsonNode?)v)]),
            };
        }

        // The headline is the worse of the two models.
        var ratio = results.Max(r => r.Ratio);
        doc["ratio"] = ratio;
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"telemetry ratio {ratio:0.000} (worst model)"));
        await WriteJsonAsync(json, doc);
        return Cli.Ok;
    }

    private static async Task<int> TlsAsync(ArgReader reader)
    {
        var megabytes = reader.Int("mb", min: 1) ?? 16;
        var steps = reader.Int("steps", min: 10) ?? 200;
        var runs = reader.Int("runs", min: 1) ?? 3;
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var r = await new Bench.Tls.TlsBenchmark(PlatformDll, megabytes, steps, runs, Console.Error).RunAsync();
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"mutual TLS against plain, 2 silo processes each, median of {runs} paired runs: allreduce {megabytes} MB over orleans messages x{r.OrleansTimeRatio:0.000} the time, over direct tcp links x{r.TcpTimeRatio:0.000}; a 2-rank fashion MLP job ({steps} steps) x{r.JobThroughputRatio:0.000} the samples/s"));
        await WriteJsonAsync(json, new JsonObject
        {
            ["orleans_time_ratio"] = r.OrleansTimeRatio,
            ["tcp_time_ratio"] = r.TcpTimeRatio,
            ["job_throughput_ratio"] = r.JobThroughputRatio,
            ["megabytes"] = r.Megabytes,
            ["steps"] = r.Steps,
            ["runs"] = r.Runs,
        });
        return Cli.Ok;
    }

    private static async Task<int> DataAsync(ArgReader reader)
    {
        var runs = reader.Int("runs", min: 1) ?? 5;
        var megabytes = reader.Int("mb", min: 1) ?? 1024;
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var r = await new DataLoadingBenchmark(megabytes, runs, Console.Error).RunAsync();
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"data {r.FileBytes / 1e6:0} MB npy ({r.Samples} samples of 1x28x28 float32), batch {DataLoadingBenchmark.BatchSize}: memory-mapped {r.MappedEpochsPerSecond:0.00} epochs/s, in memory {r.MemoryEpochsPerSecond:0.00} epochs/s, ratio {r.Ratio:0.000} (median of {runs} paired runs, torch threads {r.Threads})"));
        await WriteJsonAsync(json, new JsonObject
        {
            ["mapped_epochs_per_s"] = r.MappedEpochsPerSecond,
            ["memory_epochs_per_s"] = r.MemoryEpochsPerSecond,
            ["ratio"] = r.Ratio,
            ["samples"] = r.Samples,
            ["file_bytes"] = r.FileBytes,
            ["batch_size"] = DataLoadingBenchmark.BatchSize,
            ["torch_threads"] = r.Threads,
            ["mapped_runs"] = new JsonArray([.. r.MappedRuns.Select(v => (JsonNode?)v)]),
            ["memory_runs"] = new JsonArray([.. r.MemoryRuns.Select(v => (JsonNode?)v)]),
        });
        return Cli.Ok;
    }

    /// <summary>One rank of the raw TCP baseline; started by <c>bench allreduce</c> as a separate process.</summary>
    private static async Task<int> TcpPeerAsync(ArgReader reader)
    {
        var times = await TcpRingPeer.RunAsync(
            reader.Int("rank", min: 0) ?? 0,
            reader.Int("world", min: 2) ?? 2,
            reader.Int("port", min: 1) ?? throw new UsageException("--port is required"),
            Endpoints.Parse(reader.Value("next") ?? throw new UsageException("--next is required"), "--next"),
            reader.Int("bytes", min: 1) ?? throw new UsageException("--bytes is required"),
            reader.Int("iterations", min: 1) ?? 7,
            (reader.Int("chunk-kb", min: 4) ?? 1024) * 1024);
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(times));
        return Cli.Ok;
    }

    private static string PlatformDll => typeof(Cli).Assembly.Location;

    private static async Task WriteJsonAsync(string? file, JsonObject doc)
    {
        if (file is not null)
        {
            await File.WriteAllTextAsync(file, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    private static async Task<int> OverheadAsync(ArgReader reader)
    {
        var steps = reader.Int("steps", min: 10) ?? 400;
        var runs = reader.Int("runs", min: 1) ?? 15;
        var threads = reader.Int("threads", min: 1);
        var json = reader.Value("json");
        reader.Done(maxPositionals: 1);

        var result = await new OverheadBenchmark(steps, runs, threads, Console.Error).RunAsync();
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"overhead: platform {result.PlatformMs:0.000} ms/step, plain {result.PlainMs:0.000} ms/step, ratio {result.Ratio:0.000} (medians of {runs} paired runs of {steps} steps)"));
        if (json is not null)
        {
            var doc = new JsonObject
            {
                ["ratio"] = result.Ratio,
                ["platform_ms"] = result.PlatformMs,
                ["plain_ms"] = result.PlainMs,
                ["steps"] = result.Steps,
                ["platform_runs_ms"] = new JsonArray([.. result.PlatformRunsMs.Select(v => (JsonNode?)v)]),
                ["plain_runs_ms"] = new JsonArray([.. result.PlainRunsMs.Select(v => (JsonNode?)v)]),
            };
            await File.WriteAllTextAsync(json, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        return Cli.Ok;
    }
}
