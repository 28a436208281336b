using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Platform.Silo.Hosting;

/// <summary>
/// Creates the tables and statements that Orleans' ADO.NET grain storage needs in PostgreSQL
/// (<c>PostgresSchema.sql</c>, embedded) when they are missing, before the storage starts, so that
/// nobody has to run SQL by hand.
/// </summary>
/// <remarks>
/// It runs in the host's starting phase, which ends before any hosted service starts, the silo
/// included: the storage finds its tables, and a database that cannot be reached stops the start
/// before Orleans has begun (and logged its own failure).
/// </remarks>
public sealed class PostgresSchema(string connectionString) : IHostedLifecycleService
{
    // Any fixed number shared by every silo: the lock makes check-and-create one step across silos
    // that start at once, where two CREATE TABLE IF NOT EXISTS can still collide.
    private const long LockKey = 0x706C6174666F726D; // "platform"

    private const string Missing = "SELECT to_regclass('orleansquery') IS NULL OR to_regclass('orleansstorage') IS NULL";

    public Task StartingAsync(CancellationToken cancellationToken) => EnsureAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the schema if it is missing; throws <see cref="PostgresUnavailableException"/> with one readable line when it cannot.</summary>
    public async Task EnsureAsync(CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation);
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
            {
                await take.ExecuteNonQueryAsync(cancellation);
            }

            await using (var check = new NpgsqlCommand(Missing, connection, transaction))
            {
                if (await check.ExecuteScalarAsync(cancellation) is true)
                {
                    await using var create = new NpgsqlCommand(Script(), connection, transaction);
                    await create.ExecuteNonQueryAsync(cancellation);
                }
            }

            await transaction.CommitAsync(cancellation);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            throw new PostgresUnavailableException($"PostgreSQL at {target.Host}:{target.Port} (--postgres) could not be used for job records: {e.GetBaseException().Message}");
        }
    }

    private static string Script()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("PostgresSchema.sql")
            ?? throw new InvalidOperationException("PostgresSchema.sql is not embedded in the silo assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>PostgreSQL refused or could not be reached while the silo started; the message is one line for the user.</summary>
public sealed class PostgresUnavailableException(string message) : Exception(message);
