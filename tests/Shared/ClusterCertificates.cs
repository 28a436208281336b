using System.Diagnostics;

namespace Platform.Tests.Shared;

/// <summary>
/// A cluster's TLS certificates made by <c>deploy/tls/make-certs</c>, the operators' own tool: the
/// cluster's CA with a silo and a client certificate, and a second CA with its own silo and client,
/// which the cluster must refuse.
/// </summary>
public sealed record ClusterCertificates(string Dir)
{
    public string Ca => Path.Combine(Dir, "ca.pem");

    public string OtherCa => Path.Combine(Dir, "other", "ca.pem");

    public static ClusterCertificates Make(string dir)
    {
        var other = Path.Combine(dir, "other");
        Run(dir, "ca");
        Run(dir, "silo", "silo");
        Run(dir, "client", "alice");
        Run(other, "ca");
        Run(other, "silo", "rogue-silo");
        Run(other, "client", "mallory");
        return new ClusterCertificates(dir);
    }

    /// <summary>The <c>--tls-*</c> options of the cluster's own <paramref name="name"/> (silo, alice).</summary>
    public string[] Options(string name) => Options(name, Ca);

    /// <summary>The options of <paramref name="name"/> made by the other CA (rogue-silo, mallory), trusting <paramref name="ca"/>.</summary>
    public string[] Foreign(string name, string ca) => ["--tls-cert", Path.Combine(Dir, "other", $"{name}.pem"), "--tls-key", Path.Combine(Dir, "other", $"{name}.key"), "--tls-ca", ca];

    private string[] Options(string name, string ca) => ["--tls-cert", Path.Combine(Dir, $"{name}.pem"), "--tls-key", Path.Combine(Dir, $"{name}.key"), "--tls-ca", ca];

    private static void Run(string dir, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoRoot.Dir, "deploy", "tls", "make-certs")) { RedirectStandardError = true };
        start.ArgumentList.Add(dir);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"make-certs {string.Join(' ', args)} failed: {stderr}");
        }
    }
}
