namespace Provenance.Tests;

/// <summary>
/// Where the tests find the repository and what lies beside it: the folder holding Provenance.sln, and the shared
/// folders next to it (../shared/detector-corpus, ../shared/schemas) that tests read without copying. Compiled into
/// every test project (tests/Directory.Build.props), so each has the one definition without a project reference.
/// </summary>
internal static class Repository
{
    static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Provenance.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Provenance.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The folder holding Provenance.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// <c>../shared/<paramref name="name"/></c> next to the repository, or the folder the environment variable
    /// <paramref name="variable"/> names instead; then <paramref name="subfolder"/> inside it when given. Null when it is
    /// not there, so that a test can skip and say why.
    /// </summary>
    public static string? Shared(string variable, string name, string? subfolder = null)
    {
        var folder = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", name));
        if (subfolder is not null)
        {
            folder = Path.Combine(folder, subfolder);
        }
        return Directory.Exists(folder) ? folder : null;
    }
}
