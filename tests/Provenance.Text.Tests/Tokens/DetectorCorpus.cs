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

    static string? Locate()
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
}
