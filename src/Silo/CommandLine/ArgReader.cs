using System.Globalization;

namespace Platform.Silo.CommandLine;

/// <summary>
/// Reads <c>--name value</c> options and positional arguments. Options may repeat; every option
/// must be claimed by the command, so a misspelt one is an error rather than ignored.
/// </summary>
public sealed class ArgReader
{
    private readonly List<string> positionals = [];
    private readonly List<(string Name, string? Value)> options = [];
    private readonly HashSet<string> claimed = [];

    public ArgReader(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                positionals.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            if (eq > 0)
            {
                options.Add((name, arg[(eq + 1)..]));
            }
            else if (flags.Contains(name))
            {
                options.Add((name, null));
            }
            else
            {
                options.Add((name, e.MoveNext() ? e.Current : throw new UsageException($"option --{name} needs a value")));
            }
        }
    }

    public IReadOnlyList<string> Positionals => positionals;

    public string Positional(int index, string what) =>
        index < positionals.Count ? positionals[index] : throw new UsageException($"missing {what}");

    public bool Flag(string name) => All(name).Any();

    public string? Value(string name) => All(name).LastOrDefault();

    public IEnumerable<string> All(string name)
    {
        claimed.Add(name);
        return options.Where(o => o.Name == name).Select(o => o.Value ?? "true");
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        var range = max == int.MaxValue ? $">= {min}" : $"between {min} and {max}";
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new UsageException($"--{name} must be an integer {range} (got '{text}')");
    }

    /// <summary>Fails on the first option no one asked for, and on extra positional arguments.</summary>
    public void Done(int maxPositionals)
    {
        var unknown = options.FirstOrDefault(o => !claimed.Contains(o.Name));
        if (unknown.Name is not null)
        {
            throw new UsageException($"unknown option --{unknown.Name}");
        }

        if (positionals.Count > maxPositionals)
        {
            throw new UsageException($"unexpected argument '{positionals[maxPositionals]}'");
        }
    }
}
