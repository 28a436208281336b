using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace Platform.Client.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's binaries: its own data folder, a free loopback
/// port, trust authentication for the superuser <c>platform</c> and a database <c>platform</c>.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "platform";

    // initdb and postgres refuse to run as root; as root they run as the user Debian's package creates.
    private const string ServiceUser = "postgres";

    private readonly string root;
    private readonly Process process;
    private readonly List<string> output = [];

    private PostgresServer(string root, string bin, int port)
    {
        this.root = root;
        Port = port;
        process = Launch(Path.Combine(bin, "postgres"), IsRoot, "-D", DataDir(root), "-p", Text(port), "-k", root,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off");
        process.OutputDataReceived += (_, e) => Observe(e.Data);
        process.ErrorDataReceived += (_, e) => Observe(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>How long initdb and the server's start took.</summary>
    public TimeSpan StartTime { get; private set; }

    public string Connection => ConnectionTo(User);

    public static async Task<PostgresServer> StartAsync()
    {
        var clock = Stopwatch.StartNew();
        var bin = FindBin();
        var root = Directory.CreateTempSubdirectory("platform-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync(Launch("chown", asServiceUser: false, ServiceUser, root));
        }

        try
        {
            await RunAsync(Launch(Path.Combine(bin, "initdb"), IsRoot, "-D", DataDir(root), "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        // A port drawn free may be taken before the server binds it; then another server answers there: draw again.
        for (var attempt = 1; ; attempt++)
        {
            var server = new PostgresServer(root, bin, Platform.Silo.Hosting.Endpoints.FreePort());
            try
            {
                await server.WaitReadyAsync();
                await server.ExecuteAsync("postgres", $"CREATE DATABASE {User}");
                server.StartTime = clock.Elapsed;
                return server;
            }
            catch (PortTakenException) when (attempt < 3)
            {
                await server.StopAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    public string ConnectionTo(string database) => $"Host=127.0.0.1;Port={Port};Username={User};Database={database}";

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Stops the server and keeps its folder.</summary>
    private async Task StopAsync()
    {
        if (!process.HasExited)
        {
            // SIGINT is PostgreSQL's fast shutdown (pg_ctl stop -m fast): clients are cut off, no waiting for them.
            using var stop = Process.Start("kill", ["-INT", Text(process.Id)]);
            await stop.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
        }

        process.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited: {Output}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(ConnectionTo("postgres"));
                await connection.OpenAsync(deadline.Token);
                await using var command = new NpgsqlCommand("SHOW data_directory", connection);
                var dir = (string)(await command.ExecuteScalarAsync(deadline.Token))!;
                if (Path.GetFullPath(dir) != Path.GetFullPath(DataDir(root)))
                {
                    throw new PortTakenException($"port {Port} is answered by another PostgreSQL (data directory {dir})");
                }

                return;
            }
            catch (NpgsqlException)
            {
                // Not listening yet, or still starting up (57P03).
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    private string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    private void Observe(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }

    private static string DataDir(string root) => Path.Combine(root, "data");

    private static string FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault() ?? throw new InvalidOperationException("no /usr/lib/postgresql/<version>/bin/initdb: install Debian's postgresql package")
            : throw new InvalidOperationException("no /usr/lib/postgresql: install Debian's postgresql package");

    private static bool IsRoot => GetEffectiveUserId() == 0;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    /// <summary>Starts a program, as the service user when <paramref name="asServiceUser"/> (setpriv execs, so the process is the program itself).</summary>
    private static Process Launch(string program, bool asServiceUser, params string[] args)
    {
        var start = asServiceUser
            ? new ProcessStartInfo("setpriv") { ArgumentList = { $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", program } }
            : new ProcessStartInfo(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    }

    private static async Task RunAsync(Process process)
    {
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(deadline.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} exited {process.ExitCode}: {await stdout}{await stderr}");
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The port drawn for a test server turned out to be another server's.</summary>
internal sealed class PortTakenException(string message) : Exception(message);
