using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Platform.Client.Tests.Commands;

/// <summary>The <c>./platform</c> script rebuilds whenever anything that goes into the build changed.</summary>
public sealed partial class PlatformScriptTests
{
    [Fact]
    public void Every_file_the_build_embeds_or_copies_is_watched_by_the_rebuild_check()
    {
        var script = File.ReadAllText(Path.Combine(Repo.Root, "platform"));
        var watched = WatchedName().Matches(script).Select(m => m.Groups[1].Value).ToHashSet();
        var inputs = Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, "bench"), "*.csproj", SearchOption.AllDirectories))
            .SelectMany(project => XDocument.Load(project).Descendants()
                .Where(e => e.Name.LocalName is "EmbeddedResource" || (e.Name.LocalName is "None" or "Content" && e.Attribute("CopyToOutputDirectory") is not null))
                .Select(e => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, e.Attribute("Include")!.Value))))
            .ToList();

        Assert.NotEmpty(inputs);
        foreach (var input in inputs)
        {
            Assert.True(File.Exists(input), $"{input} is named by a project but missing");
            Assert.True(input.StartsWith(Path.Combine(Repo.Root, "src"), StringComparison.Ordinal) || input.StartsWith(Path.Combine(Repo.Root, "bench"), StringComparison.Ordinal), $"{input} is outside the folders ./platform watches");
            Assert.True(watched.Contains(Path.GetExtension(input)), $"./platform does not rebuild when {Path.GetFileName(input)} changes (it watches {string.Join(", ", watched)})");
        }
    }

    [GeneratedRegex(@"-name '\*(\.[a-z]+)'")]
    private static partial Regex WatchedName();
}
