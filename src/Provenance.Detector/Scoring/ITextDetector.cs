using System.Text.Json.Serialization;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.Scoring;

/// <summary>A model that scores texts for machine authorship: the shipped detector or a third-party classifier.</summary>
public interface ITextDetector : IDisposable
{
    /// <summary>"name@version", recorded with every verdict.</summary>
    string ModelId { get; }

    DetectorThresholds Thresholds { get; }

    /// <summary>The execution provider actually in use (after any fallback).</summary>
    string ExecutionProvider { get; }

    /// <summary>Scores texts in batches; the result has one entry per text, in order. Thread-safe.</summary>
    IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default);
}

/// <summary>One text's scores.</summary>
/// <param name="PHuman">P(purely human-written).</param>
/// <param name="PSynthetic">P(not purely human) = 1 - PHuman: machine-written or mixed.</param>
/// <param name="PMixed">P(mixed human and machine authorship); part of <paramref name="PSynthetic"/>.</param>
/// <param name="Class">The class chosen with the model's thresholds.</param>
public readonly record struct TextScore(
    [property: JsonPropertyName("p_human")] float PHuman,
    [property: JsonPropertyName("p_synthetic")] float PSynthetic,
    [property: JsonPropertyName("p_mixed")] float PMixed,
    [property: JsonPropertyName("class")] DetectorClass Class)
{
    /// <summary>Scores from the model's three class probabilities.</summary>
    public static TextScore FromProbabilities(float pHuman, float pMixed, DetectorThresholds thresholds) =>
        new(pHuman, 1 - pHuman, pMixed, DetectorDecision.Classify(pHuman, pMixed, thresholds));
}
