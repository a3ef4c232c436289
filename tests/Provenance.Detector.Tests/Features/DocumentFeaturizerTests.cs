using FsCheck;
using FsCheck.Fluent;
using Provenance.Detector.Features;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Features;

public class DocumentFeaturizerTests
{
    static readonly FeatureConfig Config = TinyModels.Config;

    static (long[] Ngrams, long[] Words, long[] Contexts, long[] Pairs, float[] Style) Features(DocumentFeaturizer featurizer, string text)
    {
        featurizer.Featurize(text);
        return (featurizer.NgramIds[..featurizer.NgramCount], featurizer.LmUnigram[..featurizer.LmCount],
            featurizer.LmContext[..featurizer.LmCount], featurizer.LmBigram[..featurizer.LmCount], (float[])featurizer.Style.Clone());
    }

    static void AssertSame((long[] Ngrams, long[] Words, long[] Contexts, long[] Pairs, float[] Style) a,
        (long[] Ngrams, long[] Words, long[] Contexts, long[] Pairs, float[] Style) b)
    {
        Assert.Equal(a.Ngrams, b.Ngrams);
        Assert.Equal(a.Words, b.Words);
        Assert.Equal(a.Contexts, b.Contexts);
        Assert.Equal(a.Pairs, b.Pairs);
        Assert.Equal(a.Style, b.Style);
    }

    [Fact]
    public void TheSameTextGivesTheSameFeaturesWhateverWasFeaturizedBefore()
    {
        const string text = "The council met on Tuesday. It didn't agree; members asked for 3 more weeks!";
        var fresh = new DocumentFeaturizer(Config);
        var used = new DocumentFeaturizer(Config);
        used.Featurize(new string('x', 5000) + " a much longer document with many different words in it");

        var first = Features(fresh, text);
        var second = Features(used, text);
        var again = Features(fresh, text);

        AssertSame(first, second);
        AssertSame(first, again);
    }

    [Fact]
    public void PreTokenizedTextReadsLikeTheSameTextWrittenNormally()
    {
        var featurizer = new DocumentFeaturizer(Config);

        var written = Features(featurizer, "Why doesn't it work? I've tried \u201Ceverything\u201D, John's way too.");
        var tokenized = Features(featurizer, "Why does n't it work ? I 've tried `` everything '' , John 's way too .");

        AssertSame(written, tokenized);
    }

    [Fact]
    public void NumbersAreReadByShapeNotValue()
    {
        var featurizer = new DocumentFeaturizer(Config);

        var one = Features(featurizer, "Prices rose 12 percent in 2019.");
        var other = Features(featurizer, "Prices rose 47 percent in 1987.");

        AssertSame(one, other);
    }

    [Fact]
    public void EveryIdFallsInsideItsTableAndNoDocumentExceedsTheTokenLimit()
    {
        var texts = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>(),
            Gen.Elements("Hello, world!", "é à ß 中文 🙂 \u200B\t\r\n", "'' `` n't 's", new string('a', 300), string.Join(' ', Enumerable.Repeat("word", 200))));
        var property = Prop.ForAll(Arb.From(texts), text =>
        {
            var featurizer = new DocumentFeaturizer(Config);
            featurizer.Featurize(text ?? "");
            var ngrams = featurizer.NgramIds[..featurizer.NgramCount];
            var words = featurizer.LmUnigram[..featurizer.LmCount];
            var contexts = featurizer.LmContext[..featurizer.LmCount];
            var pairs = featurizer.LmBigram[..featurizer.LmCount];
            return featurizer.LmCount <= Config.MaxTokens
                && ngrams.All(id => id >= 0 && id < Config.NgramBuckets)
                && words.Concat(contexts).All(id => id >= 0 && id < Config.LmUnigramBuckets)
                && pairs.All(id => id >= 0 && id < Config.LmBigramBuckets)
                && featurizer.Style.All(float.IsFinite);
        });

        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }
}
