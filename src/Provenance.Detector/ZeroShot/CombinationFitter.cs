using Provenance.Detector.Evaluation;
using Provenance.Detector.Segments;

namespace Provenance.Detector.ZeroShot;

/// <summary>A fitted rule and what it does on the held-out families it was fitted on.</summary>
/// <param name="Families">Per-family verdict figures of the combined detector at the rule's thresholds.</param>
/// <param name="ClassifierAlone">The same families with the classifier's held-out scores alone, at thresholds chosen the same way.</param>
public sealed record FittedCombination(CombinationRule Rule, IReadOnlyList<FamilyVerdictMetrics> Families,
    IReadOnlyList<FamilyVerdictMetrics> ClassifierAlone);

/// <summary>
/// Fits the <see cref="CombinationRule"/> on leave-one-family-out scores: each document's classifier score comes from a
/// model trained without its family, its zero-shot score from the language model (which trained on none of them), and
/// the rule's weights and its verdict thresholds are chosen on those, the same way the classifier's own are
/// (<see cref="VerdictCalibration"/>). Documents and their segments are both scored, so the segment rule is calibrated too.
/// </summary>
public static class CombinationFitter
{
    public static FittedCombination Fit(IReadOnlyList<HeldOutScore> classifierScores, ZeroShotScorer scorer, string classifier,
        VerdictTargets targets, double mixed, CancellationToken ct = default)
    {
        var texts = new List<string>();
        foreach (var held in classifierScores)
        {
            texts.Add(held.Document.Text);
            texts.AddRange(held.Scores.Segments.Select(s => held.Document.Text[s.Span.Start..s.Span.End]));
        }
        var zeroShot = scorer.Score(texts, ct);

        var rows = new List<CombinationRow>(classifierScores.Count);
        var next = 0;
        var perDocument = new ZeroShotScore[classifierScores.Count][];
        for (var d = 0; d < classifierScores.Count; d++)
        {
            var held = classifierScores[d];
            perDocument[d] = [.. zeroShot.Skip(next).Take(1 + held.Scores.Segments.Count)];
            next += perDocument[d].Length;
            if (perDocument[d][0].IsScored)
            {
                rows.Add(new CombinationRow(1.0 - held.Scores.PHuman, perDocument[d][0].MachineScore, held.Machine, held.Document.Family));
            }
        }
        var rule = CombinationRule.Fit(rows);

        var combined = new HeldOutScore[classifierScores.Count];
        for (var d = 0; d < combined.Length; d++)
        {
            var held = classifierScores[d];
            var (pHuman, pMixed) = rule.Combine(held.Scores.PHuman, held.Scores.PMixed, perDocument[d][0]);
            var segments = held.Scores.Segments.Select((s, i) =>
            {
                var (h, m) = rule.Combine(s.PHuman, s.PMixed, perDocument[d][i + 1]);
                return new ScoredSegment(s.Span, h, m);
            }).ToArray();
            combined[d] = held with { Scores = new ScoredDocument(pHuman, pMixed, segments) };
        }
        var thresholds = VerdictCalibration.Choose(combined, targets, mixed);
        var alone = VerdictCalibration.Choose(classifierScores, targets, mixed);
        return new FittedCombination(
            rule with { Classifier = classifier, Scorer = scorer.Id, Thresholds = thresholds, Rows = rows.Count, Families = rows.Select(r => r.Family).Distinct().Count() },
            VerdictCalibration.Measure(combined, thresholds),
            VerdictCalibration.Measure(classifierScores, alone));
    }
}
