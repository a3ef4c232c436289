using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Evaluation;

/// <summary>The error rates a detector's verdicts must keep on every held-out family; it abstains rather than exceed them.</summary>
/// <param name="MaxHumanFlagged">Most share of human texts of any family called synthetic or mixed (the requirement).</param>
/// <param name="MaxMachineCalledHuman">Most share of machine-or-mixed texts of any family called human.</param>
/// <param name="Margin">Thresholds are fitted to each limit minus this, so that a family a little unlike the held-out ones stays within it.</param>
public sealed record VerdictTargets(double MaxHumanFlagged = 0.05, double MaxMachineCalledHuman = 0.05, double Margin = 0.01);

/// <summary>How a family's documents fare under a set of thresholds.</summary>
/// <param name="Auroc">Whole-document p_synthetic, human vs machine-or-mixed; null when a class is missing.</param>
/// <param name="TprAt1PctFpr">Within the family, at the family's own 1%-FPR point (threshold-free quality).</param>
/// <param name="HumanFlagged">Share of human texts whose verdict is synthetic or mixed (the false-positive rate of the verdicts).</param>
/// <param name="Coverage">Share of machine-or-mixed texts whose verdict is synthetic or mixed.</param>
/// <param name="MachineCalledHuman">Share of machine-or-mixed texts whose verdict is human.</param>
/// <param name="HumanCalledHuman">Share of human texts whose verdict is human.</param>
public sealed record FamilyVerdictMetrics(string Family, int Documents, int Human, int Machine, double? Auroc, double? TprAt1PctFpr,
    double? HumanFlagged, double? Coverage, double? MachineCalledHuman, double? HumanCalledHuman);

/// <summary>
/// Chooses verdict thresholds on leave-one-family-out scores so that on every held-out family at most
/// <see cref="VerdictTargets.MaxHumanFlagged"/> of human texts are called synthetic or mixed and at most
/// <see cref="VerdictTargets.MaxMachineCalledHuman"/> of machine texts are called human; the band between the two
/// thresholds abstains. The worst family sets each threshold, because real traffic is a family the model has not seen.
/// </summary>
public static class VerdictCalibration
{
    /// <param name="scores">Held-out scores of every family (each from the model that did not see it).</param>
    /// <param name="mixed">
    /// The mixed-versus-synthetic share threshold, chosen elsewhere: it cannot be judged on held-out families, since one
    /// family (mixset) holds the mixed documents and its round trains without any.
    /// </param>
    public static DetectorThresholds Choose(IReadOnlyList<HeldOutScore> scores, VerdictTargets targets, double mixed)
    {
        var flagLimit = Math.Max(0, targets.MaxHumanFlagged - targets.Margin);
        var humanLimit = Math.Max(0, targets.MaxMachineCalledHuman - targets.Margin);
        var byFamily = scores.GroupBy(s => s.Document.Family).ToArray();

        // Whole-document synthetic threshold: the highest of the families' own limits.
        var synthetic = byFamily.Select(f => LowestFlagging([.. f.Where(s => !s.Machine).Select(s => 1.0 - s.Scores.PHuman)], flagLimit))
            .DefaultIfEmpty(0.5).Max();
        // Human threshold: the lowest of the families' limits, never above the synthetic one.
        var human = Math.Min(synthetic, byFamily.Select(f => HighestPassing([.. f.Where(s => s.Machine).Select(s => 1.0 - s.Scores.PHuman)], humanLimit))
            .DefaultIfEmpty(0).Min());

        // Segments: "confidently human" where at most 5% of machine documents score lower (never above the human
        // threshold); "confidently machine" as low as the verdicts' false-positive limit allows, never below the
        // synthetic threshold.
        var machineScores = scores.Where(s => s.Machine).Select(s => 1.0 - s.Scores.PHuman).Order().ToArray();
        var segmentHuman = Math.Min(human, machineScores.Length == 0 ? 0 : machineScores[(int)(0.05 * (machineScores.Length - 1))]);
        var at1Pct = RocMetrics.ThresholdAtFpr([.. scores.Select(s => 1.0 - s.Scores.PHuman)], [.. scores.Select(s => s.Machine)], 0.01);
        var thresholds = new DetectorThresholds(Up(synthetic), Round(mixed), Down(segmentHuman), 1.0,
            double.IsFinite(at1Pct) ? NextAbove(at1Pct) : 1.0, Down(human));
        var candidates = scores.Where(s => !s.Machine).SelectMany(s => s.Scores.Segments).Select(s => 1.0 - s.PHuman)
            .Where(p => p >= thresholds.Synthetic).Append(thresholds.Synthetic).Append(1.0).Distinct().Order().ToArray();
        // The verdicts' false-positive rate falls as the segment threshold rises: bisect for the lowest that keeps it.
        int lo = 0, hi = candidates.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            var trial = thresholds with { SegmentMachine = Up(candidates[mid]) };
            if (byFamily.All(f => Rate(f, trial, machine: false, Flagged) <= flagLimit))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return thresholds with { SegmentMachine = Math.Min(1.0, Up(candidates[lo])) };
    }

    /// <summary>Per-family figures of the verdicts under <paramref name="thresholds"/>.</summary>
    public static IReadOnlyList<FamilyVerdictMetrics> Measure(IReadOnlyList<HeldOutScore> scores, DetectorThresholds thresholds) =>
        [.. scores.GroupBy(s => s.Document.Family).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Measure(g.Key, [.. g], thresholds))];

    public static FamilyVerdictMetrics Measure(string family, IReadOnlyList<HeldOutScore> scores, DetectorThresholds thresholds)
    {
        var p = scores.Select(s => 1.0 - s.Scores.PHuman).ToArray();
        var positive = scores.Select(s => s.Machine).ToArray();
        var humans = positive.Count(x => !x);
        var machines = positive.Length - humans;
        var both = humans > 0 && machines > 0;
        return new FamilyVerdictMetrics(family, scores.Count, humans, machines,
            both ? RocMetrics.Auroc(p, positive) : null,
            both ? RocMetrics.TprAtFpr(p, positive, 0.01) : null,
            humans > 0 ? Rate(scores, thresholds, machine: false, Flagged) : null,
            machines > 0 ? Rate(scores, thresholds, machine: true, Flagged) : null,
            machines > 0 ? Rate(scores, thresholds, machine: true, c => c == DetectorClass.Human) : null,
            humans > 0 ? Rate(scores, thresholds, machine: false, c => c == DetectorClass.Human) : null);
    }

    /// <summary>
    /// Each family measured with thresholds chosen without it: what a family none of the held-out ones resembles
    /// should expect. Differs from <see cref="Measure(IReadOnlyList{HeldOutScore}, DetectorThresholds)"/> where the
    /// family itself set a threshold.
    /// </summary>
    public static IReadOnlyList<FamilyVerdictMetrics> MeasureNested(IReadOnlyList<HeldOutScore> scores, VerdictTargets targets, double mixed) =>
        [.. scores.GroupBy(s => s.Document.Family).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            Measure(g.Key, [.. g], Choose([.. scores.Where(s => s.Document.Family != g.Key)], targets, mixed)))];

    static bool Flagged(DetectorClass c) => c is DetectorClass.Synthetic or DetectorClass.Mixed;

    static double Rate(IEnumerable<HeldOutScore> scores, DetectorThresholds thresholds, bool machine, Func<DetectorClass, bool> counts)
    {
        int total = 0, hits = 0;
        foreach (var s in scores.Where(s => s.Machine == machine))
        {
            total++;
            hits += counts(DocumentScorer.Verdict("", s.Scores, thresholds).Class) ? 1 : 0;
        }
        return total == 0 ? 0 : (double)hits / total;
    }

    /// <summary>The lowest threshold t such that at most <paramref name="limit"/> of <paramref name="humans"/> have p ≥ t.</summary>
    static double LowestFlagging(double[] humans, double limit)
    {
        if (humans.Length == 0)
        {
            return 0;
        }
        var descending = humans.OrderDescending().ToArray();
        var allowed = (int)Math.Floor(limit * descending.Length + 1e-9);
        return allowed >= descending.Length ? 0 : NextAbove(descending[allowed]);
    }

    /// <summary>The highest threshold t such that at most <paramref name="limit"/> of <paramref name="machines"/> have p &lt; t.</summary>
    static double HighestPassing(double[] machines, double limit)
    {
        if (machines.Length == 0)
        {
            return 1;
        }
        var ascending = machines.Order().ToArray();
        var allowed = (int)Math.Floor(limit * ascending.Length + 1e-9);
        return allowed >= ascending.Length ? 1 : ascending[allowed];
    }

    // Thresholds are stored with 6 decimals; round the way that keeps the error limits.
    static double NextAbove(double value) => Math.Floor(value * 1e6 + 1) / 1e6;

    static double Up(double value) => Math.Ceiling(value * 1e6 - 1e-6) / 1e6;

    static double Down(double value) => Math.Floor(value * 1e6 + 1e-6) / 1e6;

    static double Round(double value) => Math.Round(value, 6);
}
