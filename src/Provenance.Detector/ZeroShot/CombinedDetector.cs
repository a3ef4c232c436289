using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.ZeroShot;

/// <summary>
/// The shipped (or any trained) classifier combined with a zero-shot score by a <see cref="CombinationRule"/>:
/// p_synthetic is the rule's probability, P(mixed) keeps the classifier's share of p_synthetic, and the class comes
/// from <see cref="DetectorDecision.Classify"/> with the combined thresholds, so callers see an ordinary
/// <see cref="ITextDetector"/>. Thread-safe when both parts are.
/// </summary>
/// <remarks>
/// <see cref="ModelId"/> is "&lt;classifier id&gt;+&lt;scorer id&gt;", e.g.
/// "provenance-detector@2.0.0+fast-detect-gpt:qwen2.5-0.5b" or
/// "provenance-detector@2.0.0+binoculars:falcon-7b,falcon-7b-instruct".
/// </remarks>
public sealed class CombinedDetector : ITextDetector
{
    readonly ITextDetector _classifier;
    readonly ZeroShotScorer _scorer;
    readonly CombinationRule _rule;

    /// <summary>
    /// Takes ownership of <paramref name="classifier"/> and <paramref name="scorer"/>: disposing this disposes them.
    /// If the constructor throws (a rule fitted for other models), they stay the caller's.
    /// </summary>
    /// <param name="thresholds">Thresholds for the combined probability; null uses the rule's, else the classifier's.</param>
    public CombinedDetector(ITextDetector classifier, ZeroShotScorer scorer, CombinationRule rule, DetectorThresholds? thresholds = null)
    {
        if (rule.Classifier is { } fittedFor && fittedFor != classifier.ModelId)
        {
            throw new InvalidDataException($"The combination rule was fitted for classifier {fittedFor}, not {classifier.ModelId}; fit one for this classifier.");
        }
        if (rule.Scorer is { } scoredWith && scoredWith != scorer.Id)
        {
            throw new InvalidDataException($"The combination rule was fitted for zero-shot scores from {scoredWith}, not {scorer.Id}; fit one for this scorer.");
        }
        _classifier = classifier;
        _scorer = scorer;
        _rule = rule;
        Thresholds = thresholds ?? rule.Thresholds ?? classifier.Thresholds;
    }

    public string ModelId => $"{_classifier.ModelId}+{_scorer.Id}";

    public DetectorThresholds Thresholds { get; }

    /// <summary>One provider when both parts use it, else "classifier+language model" (e.g. "cpu+cuda").</summary>
    public string ExecutionProvider => _classifier.ExecutionProvider == _scorer.ExecutionProvider
        ? _scorer.ExecutionProvider
        : $"{_classifier.ExecutionProvider}+{_scorer.ExecutionProvider}";

    public CombinationRule Rule => _rule;

    public IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var classified = _classifier.Score(texts, ct);
        var zeroShot = _scorer.Score(texts, ct);
        var scores = new TextScore[texts.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = Combine(classified[i], zeroShot[i]);
        }
        return scores;
    }

    /// <summary>
    /// The combined score of one text. A text the zero-shot scorer could not read (fewer than 2 tokens) keeps the
    /// classifier's probabilities, decided with the combined thresholds: there is nothing to combine.
    /// </summary>
    public TextScore Combine(TextScore classified, ZeroShotScore zeroShot)
    {
        var (pHuman, pMixed) = _rule.Combine(classified.PHuman, classified.PMixed, zeroShot);
        return TextScore.FromProbabilities(pHuman, pMixed, Thresholds);
    }

    public void Dispose()
    {
        _scorer.Dispose();
        _classifier.Dispose();
    }
}
