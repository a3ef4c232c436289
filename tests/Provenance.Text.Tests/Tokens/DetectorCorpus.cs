using System.Text.Json;

namespace Provenance.Text.Tests.Tokens;

/// <summary>
/// The detector corpus, read where it lies (never copied into the repository): PROVENANCE_DETECTOR_CORPUS, else
/// ../shared/detector-corpus next to the folder holding Provenance.sln. Tests that need it skip, saying why.
/// </summary>
internal static class DetectorCorpus
{
    public const string Variable = "PROVENANCE_DETECTOR_CORPUS";

    public static IReadOnlyList<string> Texts(string file)
    {
        var folder = Locate();
        Assert.SkipWhen(folder is null || !File.Exists(Path.Combine(folder, file)),
            $"Detector corpus not found: set {Variable} to the folder holding {file}, or place it at ../shared/detector-corpus next to Provenance.sln.");

        return [.. File.ReadLines(Path.Combine(folder!, file))
            .Where(line => line.Length > 0)
            .Select(Text)];
    }

    static string Text(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("text").GetString() ?? "";
    }

    static string? Locate() => Repository.Shared(Variable, "detector-corpus");
}
