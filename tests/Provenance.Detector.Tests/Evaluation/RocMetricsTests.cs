using Provenance.Detector.Evaluation;

namespace Provenance.Detector.Tests.Evaluation;

public class RocMetricsTests
{
    [Fact]
    public void PerfectSeparationScoresOneAndReversedSeparationScoresZero()
    {
        double[] scores = [0.1, 0.2, 0.3, 0.8, 0.9];
        bool[] positive = [false, false, false, true, true];

        var perfect = RocMetrics.Auroc(scores, positive);
        var reversed = RocMetrics.Auroc(scores, positive.Select(p => !p).ToArray());

        Assert.Equal(1.0, perfect);
        Assert.Equal(0.0, reversed);
    }

    [Fact]
    public void AurocCountsOrderedPairsWithTiesAsHalf()
    {
        // Positives 0.4 and 0.7, negatives 0.2, 0.4 and 0.9. Pairs (pos, neg): 0.4 beats 0.2, ties 0.4, loses to 0.9;
        // 0.7 beats 0.2 and 0.4, loses to 0.9. (1 + 0.5 + 0 + 1 + 1 + 0) / 6.
        double[] scores = [0.4, 0.7, 0.2, 0.4, 0.9];
        bool[] positive = [true, true, false, false, false];

        var auroc = RocMetrics.Auroc(scores, positive);

        Assert.Equal(3.5 / 6, auroc, 12);
    }

    [Fact]
    public void AurocIsUndefinedWithoutBothClasses()
    {
        var auroc = RocMetrics.Auroc([0.1, 0.9], [true, true]);

        Assert.True(double.IsNaN(auroc));
    }

    [Fact]
    public void TprAtOnePercentFprAllowsOneFalsePositiveInAHundredNegatives()
    {
        // Negatives score 0.00 .. 0.99; one of them (0.99) may be flagged, so the threshold is 0.98.
        var negatives = Enumerable.Range(0, 100).Select(i => i / 100.0);
        double[] positives = [0.985, 0.995, 0.98, 0.5];
        var scores = negatives.Concat(positives).ToArray();
        var labels = Enumerable.Repeat(false, 100).Concat(Enumerable.Repeat(true, 4)).ToArray();

        var threshold = RocMetrics.ThresholdAtFpr(scores, labels, 0.01);
        var tpr = RocMetrics.TprAtFpr(scores, labels, 0.01);

        Assert.Equal(0.98, threshold, 12);
        // 0.985 and 0.995 are above 0.98; 0.98 itself ties the threshold and is not flagged.
        Assert.Equal(0.5, tpr, 12);
    }

    [Fact]
    public void TprAtFprNeverFlagsMoreNegativesThanAllowedWhenScoresTie()
    {
        double[] scores = [0.9, 0.9, 0.9, 0.1, 0.9];
        bool[] positive = [false, false, false, false, true];

        var tpr = RocMetrics.TprAtFpr(scores, positive, 0.3);

        // Flagging the positive at 0.9 would flag three of four negatives too, over the 30% limit.
        Assert.Equal(0.0, tpr);
    }

    [Fact]
    public void YoudenThresholdSeparatesCleanlySeparatedScores()
    {
        double[] scores = [0.1, 0.2, 0.6, 0.7];
        bool[] positive = [false, false, true, true];

        var threshold = RocMetrics.YoudenThreshold(scores, positive);

        Assert.Equal(0.6, threshold);
    }

    [Fact]
    public void MacroF1AveragesPerClassF1()
    {
        int[] actual = [0, 0, 1, 1, 2];
        int[] predicted = [0, 1, 1, 1, 2];

        var f1 = ClassMetrics.MacroF1(predicted, actual, 3);

        // Class 0: P 1, R 0.5 -> 2/3. Class 1: P 2/3, R 1 -> 0.8. Class 2: 1.
        Assert.Equal((2.0 / 3 + 0.8 + 1) / 3, f1, 12);
    }
}
