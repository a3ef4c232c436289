using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Tests.Evaluation;

public class VerdictCalibrationTests
{
    /// <summary>A held-out score with no segments: only the whole-document rule decides.</summary>
    static HeldOutScore Score(string family, string label, double pSynthetic, int id) =>
        new(new CorpusDocument($"{family}-{id}", "text", label, label == "human" ? null : "model", null, $"{family}/set"),
            new ScoredDocument((float)(1 - pSynthetic), 0, []));

    /// <summary>Families whose human texts sit at different heights: the hardest one must set the threshold.</summary>
    static List<HeldOutScore> ThreeFamilies(int seed)
    {
        var random = new Random(seed);
        var scores = new List<HeldOutScore>();
        (string Family, double HumanCentre)[] families = [("easy", 0.1), ("middle", 0.3), ("hard", 0.6)];
        foreach (var (family, centre) in families)
        {
            for (var i = 0; i < 400; i++)
            {
                scores.Add(Score(family, "human", Math.Clamp(centre + (random.NextDouble() - 0.5) * 0.4, 0, 1), i));
                scores.Add(Score(family, "synthetic", Math.Clamp(0.7 + (random.NextDouble() - 0.5) * 0.6, 0, 1), 1000 + i));
            }
        }
        return scores;
    }

    [Fact]
    public void NoFamilyHasMoreHumanTextsFlaggedOrMachineTextsCalledHumanThanTheTargetsAllow()
    {
        var scores = ThreeFamilies(1);
        var targets = new VerdictTargets(MaxHumanFlagged: 0.05, MaxMachineCalledHuman: 0.05, Margin: 0.01);

        var thresholds = VerdictCalibration.Choose(scores, targets, mixed: 0.5);
        var families = VerdictCalibration.Measure(scores, thresholds);

        Assert.All(families, f => Assert.True(f.HumanFlagged <= 0.04, $"{f.Family}: {f.HumanFlagged:P1} of human texts flagged"));
        Assert.All(families, f => Assert.True(f.MachineCalledHuman <= 0.04, $"{f.Family}: {f.MachineCalledHuman:P1} of machine texts called human"));
        Assert.True(thresholds.HumanBelow <= thresholds.Synthetic);
    }

    [Fact]
    public void TheHardestFamilySetsTheSyntheticThresholdAndTheOthersAbstainMoreBecauseOfIt()
    {
        var scores = ThreeFamilies(2);
        var targets = new VerdictTargets();

        var withAll = VerdictCalibration.Choose(scores, targets, mixed: 0.5);
        var withoutHard = VerdictCalibration.Choose([.. scores.Where(s => s.Document.Family != "hard")], targets, mixed: 0.5);

        Assert.True(withAll.Synthetic > withoutHard.Synthetic, $"{withAll.Synthetic} vs {withoutHard.Synthetic}");
        var easy = VerdictCalibration.Measure("easy", [.. scores.Where(s => s.Document.Family == "easy")], withAll);
        Assert.True(easy.HumanFlagged == 0, "the easy family's humans sit far below a threshold the hard family set");
    }

    [Fact]
    public void NestedFiguresChooseEachFamilysThresholdsWithoutIt()
    {
        var scores = ThreeFamilies(3);

        var nested = VerdictCalibration.MeasureNested(scores, new VerdictTargets(), mixed: 0.5).Single(f => f.Family == "hard");

        // Without the hard family the threshold is set by the middle one, under which many hard-family humans are flagged.
        Assert.True(nested.HumanFlagged > 0.05, $"nested: {nested.HumanFlagged:P1}");
    }

    [Fact]
    public void TheBandBetweenTheThresholdsAbstains()
    {
        var thresholds = new DetectorThresholds(Synthetic: 0.9, Mixed: 0.5, SegmentHuman: 0.1, SegmentMachine: 0.95, SyntheticAt1PctFpr: 0.95, Human: 0.2);

        Assert.Equal(DetectorClass.Human, DetectorDecision.Classify(0.85, 0, thresholds));
        Assert.Equal(DetectorClass.Unknown, DetectorDecision.Classify(0.5, 0, thresholds));
        Assert.Equal(DetectorClass.Synthetic, DetectorDecision.Classify(0.05, 0, thresholds));
        Assert.Null(DocumentScorer.Verdict("m", new ScoredDocument(0.5f, 0, []), thresholds).Confidence);
    }

    [Fact]
    public void ModelsWithoutAHumanThresholdCallEverythingBelowTheSyntheticOneHuman()
    {
        var legacy = new DetectorThresholds(Synthetic: 0.85, Mixed: 0.1, SegmentHuman: 0.26, SegmentMachine: 0.99, SyntheticAt1PctFpr: 0.99);

        Assert.Equal(0.85, legacy.HumanBelow);
        Assert.Equal(DetectorClass.Human, DetectorDecision.Classify(0.2, 0, legacy));
    }
}
