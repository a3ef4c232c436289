using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

/// <summary>
/// The criteria on a tiny causal LM built by the test, against the papers' reference formulas written out plainly
/// over the same model's logits computed in double precision.
/// </summary>
public sealed class ZeroShotScorerTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-lm-");

    public void Dispose() => _directory.Delete(recursive: true);

    static readonly string[] Texts =
    [
        "ab cd ef gh",
        "a b c d e f g h abcd",
        "gh gh gh gh ab",
        "abcd efgh abcd efgh abcd cd ab",
        "h",
        "ba dc fe hg ab cd ef gh abcd abcd",
    ];

    string Folder(string name, TinyLanguageModel model, TinyLanguageModel.Export? export = null)
    {
        var path = Path.Combine(_directory.FullName, name);
        model.Write(path, export);
        return path;
    }

    static IReadOnlyList<int> Ids(ZeroShotScorer scorer, string text, int max = 512) => scorer.Model.Tokenizer.Encode(text, max);

    /// <summary>get_sampling_discrepancy_analytic with the scoring model as sampling model, for one text.</summary>
    static double ReferenceFastDetectGpt(TinyLanguageModel model, IReadOnlyList<int> ids)
    {
        var logits = model.Logits(ids);
        double likelihood = 0, mean = 0, variance = 0;
        for (var t = 1; t < ids.Count; t++)
        {
            var logp = TinyLanguageModel.LogSoftmax(logits[t - 1]);
            var p = logp.Select(Math.Exp).ToArray();
            var mu = p.Zip(logp, (a, b) => a * b).Sum();
            var second = p.Zip(logp, (a, b) => a * b * b).Sum();
            likelihood += logp[ids[t]];
            mean += mu;
            variance += second - mu * mu;
        }
        return (likelihood - mean) / Math.Sqrt(variance);
    }

    /// <summary>Binoculars' compute_score for one unpadded text: performer perplexity over observer-performer cross-perplexity.</summary>
    static double ReferenceBinoculars(TinyLanguageModel observer, TinyLanguageModel performer, IReadOnlyList<int> ids)
    {
        var o = observer.Logits(ids);
        var f = performer.Logits(ids);
        var ppl = 0.0;
        for (var t = 0; t < ids.Count - 1; t++)
        {
            ppl -= TinyLanguageModel.LogSoftmax(f[t])[ids[t + 1]];
        }
        ppl /= ids.Count - 1;
        var xppl = 0.0;
        for (var t = 0; t < ids.Count; t++)
        {
            var p = TinyLanguageModel.LogSoftmax(o[t]).Select(Math.Exp).ToArray();
            var logq = TinyLanguageModel.LogSoftmax(f[t]);
            xppl -= p.Zip(logq, (a, b) => a * b).Sum();
        }
        xppl /= ids.Count;
        return ppl / xppl;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void FastDetectGptEqualsTheReferenceFormulaOnTheSameLogits(bool positionIds, bool bos)
    {
        var model = TinyLanguageModel.Random(1, extraVocabulary: 5);
        var folder = Folder("lm", model, new TinyLanguageModel.Export { PositionIds = positionIds, AddBos = bos });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });

        var scores = scorer.Score(Texts);

        Assert.Equal(ZeroShotMethod.FastDetectGpt, scorer.Method);
        for (var i = 0; i < Texts.Length; i++)
        {
            var ids = Ids(scorer, Texts[i]);
            Assert.Equal(ids.Count, scores[i].Tokens);
            if (ids.Count < 2)
            {
                Assert.True(double.IsNaN(scores[i].Criterion));
                continue;
            }
            Assert.Equal(ReferenceFastDetectGpt(model, ids), scores[i].Criterion, 1e-4);
            Assert.Equal(scores[i].Criterion, scores[i].MachineScore);
        }
    }

    [Fact]
    public void BosTokensAreCountedAndScoredFromTheFirstWord()
    {
        var model = TinyLanguageModel.Random(2);
        var folder = Folder("lm", model, new TinyLanguageModel.Export { AddBos = true });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });

        var score = Assert.Single(scorer.Score(["h"]));

        Assert.Equal(2, score.Tokens);
        Assert.Equal(ReferenceFastDetectGpt(model, [0, 9]), score.Criterion, 1e-4);
    }

    [Fact]
    public void BinocularsEqualsTheReferenceCodeOnTheSameLogits()
    {
        var observer = TinyLanguageModel.Random(3);
        var performer = TinyLanguageModel.Random(4);
        var observerFolder = Folder("observer", observer, new TinyLanguageModel.Export { Name = "tiny/observer" });
        var performerFolder = Folder("performer", performer, new TinyLanguageModel.Export { Name = "tiny/performer", PositionIds = true });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = observerFolder, Performer = performerFolder });

        var scores = scorer.Score(Texts);

        Assert.Equal(ZeroShotMethod.Binoculars, scorer.Method);
        Assert.Equal("binoculars:observer,performer", scorer.Id);
        for (var i = 0; i < Texts.Length; i++)
        {
            var ids = Ids(scorer, Texts[i]);
            if (ids.Count < 2)
            {
                Assert.False(scores[i].IsScored);
                continue;
            }
            Assert.Equal(ReferenceBinoculars(observer, performer, ids), scores[i].Criterion, 1e-4);
            Assert.Equal(-scores[i].Criterion, scores[i].MachineScore);
        }
    }

    [Fact]
    public void AScoreDoesNotDependOnBatchCompanionsOrPadding()
    {
        var model = TinyLanguageModel.Random(5);
        var folder = Folder("lm", model);
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var text = "ab cd";
        string[] companions = ["abcd efgh abcd efgh abcd cd ab ef gh", text, "gh gh gh gh gh gh gh gh gh gh gh"];

        var alone = Assert.Single(scorer.Score([text]));
        var together = scorer.Score(companions);

        Assert.Equal(alone.Criterion, together[1].Criterion, 1e-5);
        Assert.Equal(alone.Tokens, together[1].Tokens);
    }

    [Fact]
    public void FloatSixteenLogitsAreReadAsTheModelRoundedThem()
    {
        var model = TinyLanguageModel.Random(6);
        var folder = Folder("lm", model, new TinyLanguageModel.Export { Float16Logits = true });
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });

        var score = Assert.Single(scorer.Score([Texts[0]]));

        // Half precision keeps about three significant digits of each logit.
        Assert.Equal(ReferenceFastDetectGpt(model, Ids(scorer, Texts[0])), score.Criterion, 2e-2);
    }

    [Fact]
    public void TextsAreCutAtTheTokenCap()
    {
        var model = TinyLanguageModel.Random(7);
        var folder = Folder("lm", model);
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder, MaxTokens = 4 });
        var text = Texts[3];

        var score = Assert.Single(scorer.Score([text]));

        var ids = Ids(scorer, text, 4);
        Assert.Equal(4, score.Tokens);
        Assert.Equal(ReferenceFastDetectGpt(model, ids), score.Criterion, 1e-4);
    }

    [Fact]
    public void TheLogitsBudgetSplitsBatchesWithoutChangingScores()
    {
        var model = TinyLanguageModel.Random(8);
        var folder = Folder("lm", model);
        using var roomy = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        // 27 logits × 4 bytes per token: 0.005 MiB is 48 padded tokens, a few of these texts at a time.
        using var tight = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder, LogitsBudgetMiB = 0.005 });
        string[] texts = [.. Texts.Where(t => t.Length > 1), .. Texts.Where(t => t.Length > 1)];

        var expected = roomy.Score(texts);
        var actual = tight.Score(texts);

        var lengths = texts.Select(t => Ids(tight, t).Count).ToArray();
        Assert.Equal(1, roomy.Runs);
        Assert.Equal(ZeroShotScorer.Plan(lengths, 128, 0.005, model.Vocabulary, 1).Count, tight.Runs);
        Assert.True(tight.Runs >= 3, $"{tight.Runs} runs for tokens [{string.Join(", ", lengths)}]");
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Criterion, actual[i].Criterion, 1e-5);
        }
    }

    [Fact]
    public void BatchesHoldNoMoreLogitsThanTheBudgetUnlessARowAloneExceedsIt()
    {
        int[] lengths = [512, 10, 300, 20, 512, 40, 30];
        const int vocabulary = 151_936;
        var perToken = vocabulary * 4.0 / (1024 * 1024);

        var batches = ZeroShotScorer.Plan(lengths, maxBatch: 128, budgetMiB: 100, vocabulary, models: 1);

        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b).Order());
        foreach (var batch in batches)
        {
            var mib = batch.Length * batch.Max(i => lengths[i]) * perToken;
            Assert.True(mib <= 100 || batch.Length == 1, $"batch [{string.Join(", ", batch)}] holds {mib:F0} MiB");
        }
        Assert.Equal([[1, 3, 6, 5], [2], [0], [4]], batches);
    }

    [Fact]
    public void TwoModelsCountTwiceAgainstTheBudget()
    {
        int[] lengths = [100, 100, 100, 100];

        var one = ZeroShotScorer.Plan(lengths, 128, budgetMiB: 1, vocabulary: 1024, models: 1);
        var two = ZeroShotScorer.Plan(lengths, 128, budgetMiB: 1, vocabulary: 1024, models: 2);

        Assert.Equal([2, 2], one.Select(b => b.Length));
        Assert.Equal([1, 1, 1, 1], two.Select(b => b.Length));
    }
}
