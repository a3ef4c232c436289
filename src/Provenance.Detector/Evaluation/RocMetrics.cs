namespace Provenance.Detector.Evaluation;

/// <summary>Threshold-free and low-false-positive metrics for a binary score (higher = more likely positive).</summary>
public static class RocMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive outscores a random negative, ties
    /// counting half (Mann-Whitney U with mid-ranks). NaN when either class is absent.
    /// </summary>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        Validate(scores, positive);
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }
            var midRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                if (positive[order[k]])
                {
                    positiveRankSum += midRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The threshold that flags at most <paramref name="maxFalsePositiveRate"/> of negatives: a score must be
    /// strictly above it. Ties at the threshold are never flagged, so the rate is never exceeded.
    /// </summary>
    public static double ThresholdAtFpr(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, double maxFalsePositiveRate)
    {
        Validate(scores, positive);
        var negatives = scores.Where((_, i) => !positive[i]).OrderByDescending(s => s).ToArray();
        if (negatives.Length == 0)
        {
            return double.NegativeInfinity;
        }
        var allowed = (int)Math.Floor(maxFalsePositiveRate * negatives.Length + 1e-9);
        return allowed >= negatives.Length ? double.NegativeInfinity : negatives[allowed];
    }

    /// <summary>Share of positives flagged at the threshold that keeps the false-positive rate at or under the limit.</summary>
    public static double TprAtFpr(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, double maxFalsePositiveRate)
    {
        var threshold = ThresholdAtFpr(scores, positive, maxFalsePositiveRate);
        var positives = 0;
        var flagged = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (positive[i])
            {
                positives++;
                if (scores[i] > threshold)
                {
                    flagged++;
                }
            }
        }
        return positives == 0 ? double.NaN : (double)flagged / positives;
    }

    /// <summary>The threshold (flag when score &gt;= it) that maximises TPR - FPR (Youden's J) over the observed scores.</summary>
    public static double YoudenThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        Validate(scores, positive);
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double positives = positive.Count(p => p), negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return 0.5;
        }
        double tp = 0, fp = 0, bestJ = double.NegativeInfinity, best = 0.5;
        for (var k = 0; k < order.Length; k++)
        {
            if (positive[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]])
            {
                continue;
            }
            var j = tp / positives - fp / negatives;
            if (j > bestJ)
            {
                bestJ = j;
                best = scores[order[k]];
            }
        }
        return best;
    }

    static void Validate(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        if (scores.Count != positive.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {positive.Count} labels.");
        }
    }
}
