using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Bench.Cluster;
using Platform.Silo.Hosting;
using Xunit.Abstractions;

namespace Platform.Client.Tests.FaultTolerance;

/// <summary>Job records kept in PostgreSQL outlive the silos that wrote them.</summary>
public sealed class PostgresStorageTests(ITestOutputHelper log)
{
    private readonly string work = Repo.NewWorkDir();

    [Fact]
    public async Task Job_records_in_postgres_survive_a_restart_of_the_whole_cluster()
    {
        await using var postgres = await PostgresServer.StartAsync();
        log.WriteLine($"PostgreSQL initdb and start: {postgres.StartTime.TotalSeconds:0.00} s");
        var checkpoints = Directory.CreateDirectory(Path.Combine(work, "shared-checkpoints")).FullName;
        string[] storage = ["--storage", "postgres", "--postgres", postgres.Connection, "--checkpoint-dir", checkpoints];
        var summaryFile = Path.Combine(work, "summary.json");
        await using (var redis = await RedisServer.StartAsync())
        {
            var silos = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2, redis.Connection, storage);
            try
            {
                var (exit, _, stderr) = await PlatformProcess.RunAsync(
                    work, "train", Repo.Example("exploding.yaml"), "--cluster", string.Join(',', silos.Select(s => s.Gateway)), "--job-id", "pg-1",
                    "--set", "data.limit=6400", "--epochs", "1", "--set", "threads=1", "--set", "faults=[{step: 20, kind: scale, factor: 100000}]",
                    "--set", "checkpoint.interval=20", "--summary", summaryFile);
                Assert.True(exit == 0, stderr);
            }
            finally
            {
                await Task.WhenAll(silos.Select(s => s.StopAsync()));
                await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
            }
        }

        // The record is a row in PostgreSQL, not something a silo kept in memory.
        Assert.Equal(1L, await postgres.ScalarAsync<long>("platform", "SELECT count(*) FROM orleansstorage WHERE grainkey = 'pg-1' AND length(payloadbinary) > 0"));

        // A new cluster with a fresh Redis for membership: the job's record can come only from PostgreSQL.
        await using var freshRedis = await RedisServer.StartAsync();
        var again = await SiloProcess.StartClusterAsync(Repo.PlatformDll, work, 2, freshRedis.Connection, storage);
        try
        {
            var before = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!;
            var status = await PlatformProcess.RunAsync(work, "status", "pg-1", "--cluster", again[1].Gateway);
            Assert.True(status.Exit == 0, status.Stderr);
            Assert.Contains("pg-1: completed", status.Stdout, StringComparison.Ordinal);
            Assert.Contains($"test accuracy {before["test_accuracy"]!.GetValue<double>():0.0000}", status.Stdout, StringComparison.Ordinal);

            var alerts = await PlatformProcess.RunAsync(work, "alerts", "pg-1", "--cluster", again[0].Gateway);
            Assert.True(alerts.Exit == 0, alerts.Stderr);
            Assert.Contains("remedy   clip", alerts.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(again.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Silos_starting_at_once_on_an_empty_database_create_the_schema_without_colliding()
    {
        await using var postgres = await PostgresServer.StartAsync();

        // What eight silos do first when they start together: unguarded, their CREATE TABLEs collide.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new PostgresSchema(postgres.Connection).StartingAsync(CancellationToken.None)));

        Assert.Equal(3L, await postgres.ScalarAsync<long>("platform", "SELECT count(*) FROM orleansquery"));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("platform", "SELECT count(*) FROM orleansstorage"));
    }

    [Fact]
    public async Task A_silo_that_postgres_refuses_fails_with_one_line()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var clock = Stopwatch.StartNew();
        var (exit, stdout, stderr) = await PlatformProcess.RunAsync(
            work, "silo", "--silo-port", $"{Endpoints.FreePort()}", "--gateway-port", "0", "--metrics-port", "0",
            "--storage", "postgres", "--postgres", $"Host=127.0.0.1;Port={postgres.Port};Username=nobody;Database=platform");

        Assert.Equal(1, exit);
        Assert.Equal($"error: the silo could not start: PostgreSQL at 127.0.0.1:{postgres.Port} (--postgres) could not be used for job records: 28000: role \"nobody\" does not exist", stderr.Trim());
        Assert.DoesNotContain("Exception", stdout, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }
}
