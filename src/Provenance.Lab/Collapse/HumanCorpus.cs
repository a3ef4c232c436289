using System.Text.Json;

namespace Provenance.Lab.Collapse;

/// <summary>Human documents from JSONL, split into the pool the lab registers and a test set it never registers.</summary>
public sealed record HumanCorpus(IReadOnlyList<string> Pool, IReadOnlyList<string> Test)
{
    /// <summary>
    /// The <c>text</c> of every line whose <c>label</c> (or <c>class</c>) is human, or that has neither: a plain corpus
    /// or a labelled one such as the detector's. Lines that are not JSON objects with a text are skipped.
    /// </summary>
    public static List<string> ReadHumanTexts(string path)
    {
        var texts = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var json = JsonDocument.Parse(line);
                var row = json.RootElement;
                if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                var label = row.TryGetProperty("label", out var l) ? l : row.TryGetProperty("class", out var c) ? c : default;
                if (label.ValueKind == JsonValueKind.String && label.GetString() != "human")
                {
                    continue;
                }
                if (WordTokenizer.Split(text.GetString()!).Count > 0)
                {
                    texts.Add(text.GetString()!);
                }
            }
            catch (JsonException)
            {
                // Not a JSON line: not a document.
            }
        }
        return texts;
    }

    /// <summary>A seeded shuffle of the distinct texts: the first <paramref name="test"/> are held out, the next <paramref name="pool"/> are the pool.</summary>
    public static HumanCorpus Split(IEnumerable<string> texts, int pool, int test, int seed)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length < pool + test)
        {
            throw new ArgumentException(
                $"the corpus has {distinct.Length:N0} distinct human documents; the lab needs {pool:N0} for the pool and {test:N0} for the test set. Lower --pool or --test.");
        }
        new Random(seed).Shuffle(distinct);
        return new HumanCorpus(distinct[test..(test + pool)], distinct[..test]);
    }
}
