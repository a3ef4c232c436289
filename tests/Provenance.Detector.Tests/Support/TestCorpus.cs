namespace Provenance.Detector.Tests.Support;

/// <summary>
/// Finds the detector corpus without copying it: PROVENANCE_DETECTOR_CORPUS, else ../shared/detector-corpus next
/// to the folder holding Provenance.sln. Tests that need it skip, saying why, when it is not there.
/// </summary>
internal static class TestCorpus
{
    public const string Variable = "PROVENANCE_DETECTOR_CORPUS";

    public static string? Locate() => Repository.Shared(Variable, "detector-corpus");

    /// <summary>The corpus folder, or a skip when it is missing.</summary>
    public static string Require(string file)
    {
        var corpus = Locate();
        Assert.SkipWhen(corpus is null || !File.Exists(Path.Combine(corpus, file)),
            $"Detector corpus not found: set {Variable} to the folder holding {file}, or place it at ../shared/detector-corpus next to Provenance.sln.");
        return corpus!;
    }
}
