using Provenance.Detector.Benchmarks;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Tests.Scoring;

/// <summary>
/// A text's scores must not depend on the texts it happens to be batched with: the worker rescoring a document in a
/// different round would otherwise record a new verdict that differs only in the last float digits.
/// </summary>
public class BatchIndependenceTests
{
    /// <summary>Texts from a few characters to several thousand, some with paragraph breaks.</summary>
    static string[] Texts()
    {
        var random = new Random(7);
        var documents = DetectorBenchmark.SyntheticDocuments(60, characters: 4096, seed: 3);
        return [.. documents.Select((d, i) => d[..random.Next(3, d.Length)].Replace(". ", i % 3 == 0 ? ".\n\n" : ". ", StringComparison.Ordinal)),
            "", "ok", "Short text, in English."];
    }

    [Fact]
    public void ATextScoresBitForBitTheSameAloneAndInAnyBatch()
    {
        var texts = Texts();
        using var alone = TextDetector.Load(new DetectorOptions { MaxBatch = 1 });
        using var wide = TextDetector.Load(new DetectorOptions { MaxBatch = 64 });
        using var narrow = TextDetector.Load(new DetectorOptions { MaxBatch = 5 });

        var single = texts.SelectMany(t => alone.Probabilities([t])).ToArray();
        var together = wide.Probabilities(texts);
        var reversed = narrow.Probabilities([.. texts.Reverse()]);

        Assert.Equal(single, together);
        var unreversed = Enumerable.Range(0, texts.Length).SelectMany(i => reversed.AsSpan((texts.Length - 1 - i) * 3, 3).ToArray()).ToArray();
        Assert.Equal(single, unreversed);
    }

    [Fact]
    public void ADocumentsVerdictAndEvidenceAreTheSameAloneAndInAnyBatch()
    {
        var texts = Texts();
        using var detector = TextDetector.Load(new DetectorOptions { MaxBatch = 32 });
        var scorer = new DocumentScorer(detector);

        var alone = texts.Select(t => scorer.Score(t).ToJson()).ToArray();
        var together = scorer.Score(texts).Select(v => v.ToJson()).ToArray();
        var inPairs = texts.Chunk(2).SelectMany(pair => scorer.Score(pair.Reverse().ToArray()).Reverse()).Select(v => v.ToJson()).ToArray();

        Assert.Equal(alone, together);
        Assert.Equal(alone, inPairs);
    }
}
