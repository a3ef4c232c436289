namespace Provenance.Docs.Tests;

/// <summary>
/// The README and the pages under docs/ link to each other, to headings and to code. Moving a file or renaming a
/// heading must not leave a reader at a dead link, so every link is followed here.
/// </summary>
public sealed class DocumentationLinkTests
{
    static readonly string Root = Repository.Root;

    static readonly IReadOnlyList<MarkdownPage> Pages = [.. MarkdownFiles().Select(path => new MarkdownPage(Root, path))];

    [Fact]
    public void Every_relative_link_points_at_a_file_or_folder_that_exists()
    {
        var broken = RelativeLinks()
            .Where(link => !File.Exists(link.Target) && !Directory.Exists(link.Target))
            .Select(link => $"{link.Page.RelativePath}: {link.Written}");

        AssertNone(broken);
    }

    [Fact]
    public void Every_link_to_a_heading_names_a_heading_of_that_page()
    {
        var byPath = Pages.ToDictionary(p => Path.GetFullPath(p.FullPath));
        var broken = RelativeLinks()
            .Where(link => link.Anchor.Length > 0 && link.Target.EndsWith(".md", StringComparison.Ordinal))
            .Where(link => !byPath.TryGetValue(link.Target, out var target) || !target.Anchors.Contains(link.Anchor))
            .Select(link => $"{link.Page.RelativePath}: {link.Written}");

        AssertNone(broken);
    }

    [Fact]
    public void Every_repository_path_the_docs_name_exists()
    {
        var missing = Pages
            .SelectMany(page => page.NamedPaths.Select(path => (page, path)))
            .Where(x => !x.path.Contains('*'))
            .Where(x => !File.Exists(Path.Combine(Root, x.path)) && !Directory.Exists(Path.Combine(Root, x.path)))
            .Select(x => $"{x.page.RelativePath}: `{x.path}`");

        AssertNone(missing);
    }

    [Fact]
    public void The_development_layout_lists_every_project()
    {
        var layout = Pages.Single(p => p.RelativePath == "docs/development.md").NamedPaths
            .Select(path => path.TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);
        var projects = Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Root, Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Where(folder => folder.StartsWith("src/", StringComparison.Ordinal) || folder.StartsWith("tests/", StringComparison.Ordinal));
        var unlisted = projects.Where(folder => !layout.Contains(folder)).Order(StringComparer.Ordinal).ToList();

        AssertNone(unlisted);
    }

    [Fact]
    public void Every_page_under_docs_is_reachable_from_the_readme()
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<MarkdownPage>([Pages.Single(p => p.RelativePath == "README.md")]);
        var byPath = Pages.ToDictionary(p => Path.GetFullPath(p.FullPath));
        while (queue.TryDequeue(out var page))
        {
            if (!reached.Add(page.RelativePath))
            {
                continue;
            }
            foreach (var link in RelativeLinks().Where(l => l.Page == page))
            {
                if (byPath.TryGetValue(link.Target, out var next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        var unreached = Pages.Select(p => p.RelativePath)
            .Where(p => p.StartsWith("docs/", StringComparison.Ordinal) && !reached.Contains(p))
            .ToList();

        AssertNone(unreached);
    }

    [Fact]
    public void The_readme_stays_a_first_page_a_newcomer_can_read()
    {
        var readme = Pages.Single(p => p.RelativePath == "README.md");

        Assert.True(readme.LineCount <= 200,
            $"README.md has {readme.LineCount} lines; keep it to what a newcomer needs first and move the rest into docs/.");
    }

    [Fact]
    public void The_slug_rule_matches_githubs()
    {
        Assert.Equal("provenance-classes-and-the-precedence-rule", MarkdownPage.Slug("Provenance classes and the precedence rule"));
        Assert.Equal("for-crawlers-registering-documents", MarkdownPage.Slug("For crawlers: registering documents"));
        Assert.Equal("cpu-vs-gpu", MarkdownPage.Slug("CPU vs. GPU"));
        Assert.Equal("the-mix-spec", MarkdownPage.Slug("The `mix` spec"));
    }

    /// <summary>Fails listing every problem in full (a collection assertion would cut the list short).</summary>
    static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{list.Count} problem(s):\n{string.Join('\n', list)}");
    }

    sealed record RelativeLink(MarkdownPage Page, string Written, string Target, string Anchor);

    static IEnumerable<RelativeLink> RelativeLinks() =>
        from page in Pages
        from written in page.Links
        where !IsExternal(written)
        let hash = written.IndexOf('#', StringComparison.Ordinal)
        let path = hash < 0 ? written : written[..hash]
        let anchor = hash < 0 ? "" : written[(hash + 1)..]
        let target = path.Length == 0
            ? Path.GetFullPath(page.FullPath)
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page.FullPath)!, Uri.UnescapeDataString(path)))
        select new RelativeLink(page, written, target, anchor);

    static bool IsExternal(string target) =>
        target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal);

    /// <summary>README.md, every page under docs/, and the Markdown that ships beside the code (model cards).</summary>
    static IEnumerable<string> MarkdownFiles()
    {
        // Folders the build writes or installs into: their Markdown is not the project's (an npm package's README).
        string[] notOurs = ["/bin/", "/obj/", "/node_modules/"];
        yield return "README.md";
        foreach (var folder in new[] { "docs", "src" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, folder), "*.md", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
                if (!notOurs.Any(skipped => relative.Contains(skipped, StringComparison.Ordinal)))
                {
                    yield return relative;
                }
            }
        }
    }

}
