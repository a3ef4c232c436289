using System.Text.RegularExpressions;

namespace Provenance.Docs.Tests;

/// <summary>
/// One Markdown file of the repository, read the way GitHub renders it: its headings' anchors, its links and the
/// repository paths it names in code spans. Fenced code blocks are left out of all three.
/// </summary>
internal sealed partial class MarkdownPage
{
    public MarkdownPage(string root, string relativePath)
    {
        RelativePath = relativePath.Replace('\\', '/');
        FullPath = Path.Combine(root, relativePath);
        var raw = File.ReadAllText(FullPath);
        var prose = FencedBlock().Replace(raw, "");
        Anchors = AnchorsOf(prose);
        Links = [.. Link().Matches(prose).Select(m => m.Groups["target"].Value)];
        NamedPaths = [.. NamedPath().Matches(prose).Concat(LayoutPath().Matches(raw)).Select(m => m.Groups["path"].Value)];
        LineCount = File.ReadAllLines(FullPath).Length;
    }

    /// <summary>The path from the repository root, with forward slashes.</summary>
    public string RelativePath { get; }

    public string FullPath { get; }

    /// <summary>The fragment identifiers GitHub gives the page's headings.</summary>
    public IReadOnlySet<string> Anchors { get; }

    /// <summary>Every inline link target, as written.</summary>
    public IReadOnlyList<string> Links { get; }

    /// <summary>
    /// Repository paths named in code spans, such as <c>`src/Provenance.Domain/`</c>, and those that begin a line of a
    /// code block (layout listings).
    /// </summary>
    public IReadOnlyList<string> NamedPaths { get; }

    public int LineCount { get; }

    /// <summary>
    /// GitHub's rule: lower case, drop everything but letters, digits, spaces, hyphens and underscores, spaces become
    /// hyphens; a repeated heading gets <c>-1</c>, <c>-2</c>, ….
    /// </summary>
    public static string Slug(string heading) =>
        NotInSlug().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    static HashSet<string> AnchorsOf(string prose)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Heading().Matches(prose))
        {
            var slug = Slug(m.Groups["text"].Value);
            var n = seen.GetValueOrDefault(slug);
            seen[slug] = n + 1;
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
        }
        return anchors;
    }

    [GeneratedRegex(@"^```.*?^```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[[^\]\n]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`(?<path>(?:src|tests|deploy|migrations|docs)/[\w./-]+)`")]
    private static partial Regex NamedPath();

    [GeneratedRegex(@"^(?<path>(?:src|tests|deploy|migrations|docs)/[\w./-]*)(?=[ \t]|\r?$)", RegexOptions.Multiline)]
    private static partial Regex LayoutPath();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\- _]")]
    private static partial Regex NotInSlug();
}
