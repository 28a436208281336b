using System.Diagnostics;
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
                await RecordedJob.TrainAsync(work, silos, "pg-1", summaryFile);
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
            await RecordedJob.AssertAnsweredAsync(work, again, "pg-1", summaryFile);
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
