using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.Tests.Support;

/// <summary>
/// A stand-in detector with obvious behaviour: text containing "delve" is machine-written, text containing
/// "honestly" is human, anything else is undecided. Lets segment and JSONL tests state exact expectations.
/// </summary>
internal sealed class KeywordDetector : ITextDetector
{
    public List<string> Seen { get; } = [];

    public string ModelId => "keywords@1";

    public DetectorThresholds Thresholds { get; } = new(0.5, 0.5, 0.2, 0.8, 0.9);

    public string ExecutionProvider => "cpu";

    public IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        Seen.AddRange(texts);
        return texts.Select(t =>
        {
            var machine = t.Contains("delve", StringComparison.Ordinal);
            var human = t.Contains("honestly", StringComparison.Ordinal);
            var pHuman = machine && !human ? 0.05f : human && !machine ? 0.95f : 0.5f;
            return TextScore.FromProbabilities(pHuman, 0.1f * (1 - pHuman), Thresholds);
        }).ToArray();
    }

    public void Dispose()
    {
    }
}
