using FsCheck;
using FsCheck.Fluent;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Tests.Datasets;

public class MinHashTests
{
    const string Text = "The Thames has shaped London for two thousand years, carrying trade, disease and ideas through the city's heart.";

    [Fact]
    public void TheSameWordsGiveTheSameSignatureWhateverTheCaseAndPunctuation()
    {
        var a = MinHash.Signature(Text);
        var b = MinHash.Signature(Text.ToUpperInvariant().Replace(",", " ;", StringComparison.Ordinal));

        Assert.Equal(1.0, MinHash.Similarity(a, b));
    }

    [Fact]
    public void AOneWordEditIsSimilarAndADifferentTextIsNot()
    {
        var original = MinHash.Signature(Text + " " + Text.Replace("Thames", "river", StringComparison.Ordinal));
        var edited = MinHash.Signature(Text + " " + Text.Replace("Thames", "River", StringComparison.Ordinal).Replace("trade", "goods", StringComparison.Ordinal));
        var other = MinHash.Signature("Photosynthesis converts light energy into chemical energy stored in glucose molecules within plant cells.");

        Assert.True(MinHash.Similarity(original, edited) > 0.6, $"{MinHash.Similarity(original, edited)}");
        Assert.True(MinHash.Similarity(original, other) < 0.1, $"{MinHash.Similarity(original, other)}");
    }

    static readonly Gen<(uint[][] Signatures, double Threshold)> Indexes =
        from threshold in Gen.Elements(0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
        from count in Gen.Choose(2, 12)
        from seeds in Gen.ArrayOf(Gen.Choose(0, 3), count)
        from flips in Gen.CollectToArray(seeds, _ => from n in Gen.Choose(0, 30) from f in Gen.ArrayOf(Gen.Choose(0, MinHash.Size - 1), n) select f)
        select (seeds.Select((s, i) =>
        {
            // Signatures drawn around a few prototypes, so that every similarity from 0 to 1 occurs.
            var sig = Enumerable.Range(0, MinHash.Size).Select(k => (uint)(s * 1000 + k)).ToArray();
            foreach (var f in flips[i])
            {
                sig[f] = (uint)(100_000 + i * 100 + f);
            }
            return sig;
        }).ToArray(), threshold);

    [Fact]
    public void TheIndexFindsExactlyTheSignaturesAtOrAboveTheThreshold()
    {
        var property = Prop.ForAll(Arb.From(Indexes), x =>
        {
            var index = new NearDuplicateIndex(x.Threshold);
            for (var i = 0; i < x.Signatures.Length; i++)
            {
                var expected = x.Signatures.Take(i).Any(s => MinHash.Similarity(s, x.Signatures[i]) >= x.Threshold - 1e-9);
                if (index.Contains(x.Signatures[i]) != expected)
                {
                    return false;
                }
                index.Add(x.Signatures[i]);
            }
            return true;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true), property);
    }
}
