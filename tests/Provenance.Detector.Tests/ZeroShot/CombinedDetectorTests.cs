using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

public sealed class CombinedDetectorTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-combined-");

    public void Dispose() => _directory.Delete(recursive: true);

    static readonly string[] Texts = ["ab cd delve ef", "honestly gh ab", "abcd abcd abcd abcd", "ab delve honestly cd", "h"];

    static readonly DetectorThresholds Thresholds = new(0.6, 0.5, 0.2, 0.8, 0.9, Human: 0.4);

    string LanguageModel(TinyLanguageModel.Export? export = null)
    {
        var path = Path.Combine(_directory.FullName, "lm");
        TinyLanguageModel.Random(21).Write(path, export ?? new TinyLanguageModel.Export { Name = "tiny/Tiny-LM" });
        return path;
    }

    [Fact]
    public void CombinedScoresFollowTheRuleAndKeepTheClassifiersShareOfMixed()
    {
        var folder = LanguageModel();
        var rule = new CombinationRule(A: 0.8, B: 1.5, C: -0.2, Mean: 1, Scale: 2);
        using var reference = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var classified = new KeywordDetector().Score(Texts);
        var zeroShot = reference.Score(Texts);

        using var detector = new CombinedDetector(new KeywordDetector(), ZeroShotScorer.Load(new ZeroShotOptions { Model = folder }), rule, Thresholds);
        var scores = detector.Score(Texts);

        for (var i = 0; i < Texts.Length; i++)
        {
            if (!zeroShot[i].IsScored)
            {
                Assert.Equal(classified[i].PSynthetic, scores[i].PSynthetic, 1e-6);
                continue;
            }
            var expected = rule.Probability(classified[i].PSynthetic, zeroShot[i].MachineScore);
            var mixed = expected * classified[i].PMixed / classified[i].PSynthetic;
            Assert.Equal(expected, scores[i].PSynthetic, 1e-6);
            Assert.Equal(1 - expected, scores[i].PHuman, 1e-6);
            Assert.Equal(mixed, scores[i].PMixed, 1e-6);
            Assert.Equal(DetectorDecision.Classify(1 - (float)expected, (float)mixed, Thresholds), scores[i].Class);
        }
        Assert.Contains(zeroShot, z => !z.IsScored);
    }

    [Fact]
    public void TheModelIdNamesTheClassifierAndTheScorer()
    {
        var folder = LanguageModel();

        using var detector = new CombinedDetector(new KeywordDetector(), ZeroShotScorer.Load(new ZeroShotOptions { Model = folder }),
            new CombinationRule(1, 1, 0, 0, 1));

        Assert.Equal("keywords@1+fast-detect-gpt:tiny-lm", detector.ModelId);
        Assert.Equal("cpu", detector.ExecutionProvider);
        Assert.Equal(new KeywordDetector().Thresholds, detector.Thresholds);
    }

    [Fact]
    public void TheRulesThresholdsDecideWhenNoneAreGiven()
    {
        var folder = LanguageModel();
        var rule = new CombinationRule(1, 1, 0, 0, 1) { Thresholds = Thresholds };

        using var detector = new CombinedDetector(new KeywordDetector(), ZeroShotScorer.Load(new ZeroShotOptions { Model = folder }), rule);

        Assert.Equal(Thresholds, detector.Thresholds);
    }

    [Fact]
    public void ARuleFittedForAnotherScorerIsRefused()
    {
        var folder = LanguageModel();
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var rule = new CombinationRule(1, 1, 0, 0, 1) { Scorer = "binoculars:falcon-7b,falcon-7b-instruct" };

        var error = Assert.Throws<InvalidDataException>(() => new CombinedDetector(new KeywordDetector(), scorer, rule));

        Assert.Contains("binoculars:falcon-7b,falcon-7b-instruct", error.Message);
        Assert.Contains("fast-detect-gpt:tiny-lm", error.Message);
    }

    [Fact]
    public void ARuleFittedForAnotherClassifierIsRefused()
    {
        var folder = LanguageModel();
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var rule = new CombinationRule(1, 1, 0, 0, 1) { Classifier = "provenance-detector@1.0.0" };

        var error = Assert.Throws<InvalidDataException>(() => new CombinedDetector(new KeywordDetector(), scorer, rule));

        Assert.Contains("provenance-detector@1.0.0", error.Message);
    }
}
