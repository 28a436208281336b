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
    private readonly IReadOnlyDictionary<string, string>? environment;

    /// <param name="args">The command line after the command's name.</param>
    /// <param name="flags">Options that take no value.</param>
    /// <param name="environment">
    /// When given, an option missing from the command line is read from the variable
    /// <c>PLATFORM_NAME</c> (<c>--silo-port</c>: <c>PLATFORM_SILO_PORT</c>), as a container sets it.
    /// </param>
    public ArgReader(IEnumerable<string> args, IReadOnlySet<string> flags, IReadOnlyDictionary<string, string>? environment = null)
    {
        this.environment = environment;
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

    /// <summary>A flag that a container may also set as <c>PLATFORM_NAME=true|false</c> (or 1|0).</summary>
    public bool Switch(string name)
    {
        if (Flag(name))
        {
            return true;
        }

        return environment?.GetValueOrDefault(VariableFor(name))?.ToLowerInvariant() switch
        {
            null or "false" or "0" => false,
            "true" or "1" => true,
            var other => throw new UsageException($"{VariableFor(name)}: expected true or false (got '{other}')"),
        };
    }

    public string? Value(string name) => All(name).LastOrDefault() ?? environment?.GetValueOrDefault(VariableFor(name));

    /// <summary>Where an option's value came from, for messages: <c>--name</c>, or the environment variable.</summary>
    public string Source(string name) =>
        !All(name).Any() && environment?.ContainsKey(VariableFor(name)) == true ? VariableFor(name) : $"--{name}";

    /// <summary>A variable of the environment given at construction (null without one).</summary>
    public string? Variable(string name) => environment?.GetValueOrDefault(name);

    public static string VariableFor(string option) => "PLATFORM_" + option.ToUpperInvariant().Replace('-', '_');

    /// <summary>The process environment as a dictionary, for <see cref="ArgReader(IEnumerable{string}, IReadOnlySet{string}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Value is string v && v.Length > 0)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);

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
            : throw new UsageException($"{Source(name)} must be an integer {range} (got '{text}')");
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
