using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

public sealed class CombinationFitterTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-fit-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>
    /// Held-out classifier scores for three families, on texts the tiny language model can read (letters a-h): machine
    /// texts repeat a few words, human ones mix them. The classifier's scores overlap between classes, so the
    /// zero-shot score has something to add.
    /// </summary>
    static List<HeldOutScore> HeldOut(int seed)
    {
        var random = new Random(seed);
        string[] words = ["ab", "cd", "ef", "gh", "abcd", "a", "b", "c", "d", "e", "f", "g", "h"];
        var scores = new List<HeldOutScore>();
        foreach (var family in new[] { "one", "two", "three" })
        {
            for (var i = 0; i < 60; i++)
            {
                var machine = i % 2 == 1;
                var text = string.Join(' ', Enumerable.Range(0, 20).Select(_ => machine ? words[random.Next(3)] : words[random.Next(words.Length)]));
                var pSynthetic = Math.Clamp((machine ? 0.6 : 0.4) + (random.NextDouble() - 0.5) * 0.6, 0.01, 0.99);
                var document = new CorpusDocument($"{family}-{i}", text, machine ? "synthetic" : "human", machine ? "m" : null, null, $"{family}/set");
                scores.Add(new HeldOutScore(document, new ScoredDocument((float)(1 - pSynthetic), 0, [])));
            }
        }
        return scores;
    }

    [Fact]
    public void TheRuleIsFittedOnHeldOutScoresAndItsThresholdsKeepEveryFamilyWithinTheTargets()
    {
        var folder = Path.Combine(_directory.FullName, "lm");
        TinyLanguageModel.Random(5).Write(folder, new TinyLanguageModel.Export { Name = "tiny/Tiny-LM" });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var held = HeldOut(1);
        var targets = new VerdictTargets();

        var fitted = CombinationFitter.Fit(held, scorer, "classifier@1", targets, mixed: 0.5);

        Assert.Equal("classifier@1", fitted.Rule.Classifier);
        Assert.Equal(scorer.Id, fitted.Rule.Scorer);
        Assert.Equal(held.Count, fitted.Rule.Rows);
        Assert.Equal(3, fitted.Rule.Families);
        Assert.All(fitted.Families, f => Assert.True(f.HumanFlagged <= targets.MaxHumanFlagged - targets.Margin, $"{f.Family}: {f.HumanFlagged}"));
        Assert.Equal(3, fitted.ClassifierAlone.Count);
        var reloaded = CombinationRule.FromJson(fitted.Rule.ToJson());
        Assert.Equal(fitted.Rule.Thresholds, reloaded.Thresholds);
    }

    [Fact]
    public void ACombinedDetectorWithTheFittedRuleScoresAsTheFitterDid()
    {
        var folder = Path.Combine(_directory.FullName, "lm");
        TinyLanguageModel.Random(6).Write(folder, new TinyLanguageModel.Export { Name = "tiny/Tiny-LM" });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var held = HeldOut(2);
        var fitted = CombinationFitter.Fit(held, scorer, "keyword@1", new VerdictTargets(), mixed: 0.5);
        var text = held[3].Document.Text;

        using var combined = new CombinedDetector(new FixedDetector(held[3].Scores.PHuman), ZeroShotScorer.Load(new ZeroShotOptions { Model = folder }),
            fitted.Rule with { Classifier = null });
        var score = combined.Score([text])[0];

        var (pHuman, _) = fitted.Rule.Combine(held[3].Scores.PHuman, 0, scorer.Score([text])[0]);
        Assert.Equal(pHuman, score.PHuman, 1e-6);
        Assert.Equal(fitted.Rule.Thresholds, combined.Thresholds);
    }

    /// <summary>A classifier that gives every text the same P(human).</summary>
    sealed class FixedDetector(float pHuman) : ITextDetector
    {
        public string ModelId => "fixed@1";

        public DetectorThresholds Thresholds { get; } = new(0.5, 0.5, 0.1, 0.9, 0.9);

        public string ExecutionProvider => "cpu";

        public IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default) =>
            [.. texts.Select(_ => TextScore.FromProbabilities(pHuman, 0, Thresholds))];

        public void Dispose()
        {
        }
    }
}
