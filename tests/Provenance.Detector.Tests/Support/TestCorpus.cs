namespace Provenance.Detector.Tests.Support;

/// <summary>
/// Finds the detector corpus without copying it: PROVENANCE_DETECTOR_CORPUS, else ../shared/detector-corpus next
/// to the folder holding Provenance.sln. Tests that need it skip, saying why, when it is not there.
/// </summary>
internal static class TestCorpus
{
    public const string Variable = "PROVENANCE_DETECTOR_CORPUS";

    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return Directory.Exists(configured) ? configured : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Provenance.sln")))
            {
                var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "detector-corpus"));
                return Directory.Exists(corpus) ? corpus : null;
            }
        }
        return null;
    }

    /// <summary>The corpus folder, or a skip when it is missing.</summary>
    public static string Require(string file)
    {
        var corpus = Locate();
        Assert.SkipWhen(corpus is null || !File.Exists(Path.Combine(corpus, file)),
            $"Detector corpus not found: set {Variable} to the folder holding {file}, or place it at ../shared/detector-corpus next to Provenance.sln.");
        return corpus!;
    }
}
