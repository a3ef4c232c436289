using Provenance.Detector.Features;

namespace Provenance.Detector.Tests.Features;

/// <summary>
/// FeatureHash's outputs for fixed inputs, written down as literals. The shipped model's embedding rows are addressed
/// by these hashes: if one of these values has to change, every trained model (and every stored score it gave) is
/// addressed differently, so models must be retrained and that is a format change, never a refactoring.
/// </summary>
public class FeatureHashPinnedValueTests
{
    [Theory]
    [InlineData("", 0xCBF29CE484222325UL)]
    [InlineData("a", 0xAF63DC4C8601EC8CUL)]
    [InlineData("the", 0x56F5C9194461D57CUL)]
    [InlineData("cat", 0xF5E307190CE4A327UL)]
    [InlineData("Thames", 0x8B18A84AAE5D79AFUL)]
    [InlineData("naïve", 0x137AE5026E42F6CCUL)]
    [InlineData("日本語", 0xC964A9C78E5BD62EUL)]
    [InlineData("😀", 0xE5E45A0A241B88D8UL)]
    public void TheHashOfAStringIsFixed(string text, ulong expected)
    {
        var hash = FeatureHash.Of(text);

        Assert.Equal(expected, hash);
    }

    [Fact]
    public void HashingCharByCharFromTheStartGivesTheSameFixedValues()
    {
        var a = FeatureHash.Add(FeatureHash.Start, 'a');
        var the = FeatureHash.Add(FeatureHash.Add(FeatureHash.Add(FeatureHash.Start, 't'), 'h'), 'e');

        Assert.Equal(0xCBF29CE484222325UL, FeatureHash.Start);
        Assert.Equal(0xAF63DC4C8601EC8CUL, a);
        Assert.Equal(0x56F5C9194461D57CUL, the);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1UL, 0xB456BCFC34C2CB2CUL)]
    [InlineData(0x0123456789ABCDEFUL, 0x87CBFBFE89022CEAUL)]
    [InlineData(ulong.MaxValue, 0x64B5720B4B825F21UL)]
    public void TheMixOfAValueIsFixed(ulong value, ulong expected)
    {
        var mixed = FeatureHash.Mix(value);

        Assert.Equal(expected, mixed);
    }

    [Fact]
    public void CombiningTwoHashesGivesFixedOrderSensitiveValues()
    {
        var theCat = FeatureHash.Combine(FeatureHash.Of("the"), FeatureHash.Of("cat"));
        var catThe = FeatureHash.Combine(FeatureHash.Of("cat"), FeatureHash.Of("the"));
        var zeros = FeatureHash.Combine(0, 0);

        Assert.Equal(0x2B420D956EE29EA1UL, theCat);
        Assert.Equal(0xA3E44EC6A6894B6EUL, catThe);
        Assert.Equal(0xCAB120FEF3A2D79BUL, zeros);
    }

    [Theory]
    [InlineData(0UL, 1 << 20, 654_129L)]
    [InlineData(0x9E3779B97F4A7C15UL, 1 << 20, 63_207L)]
    [InlineData(1UL, 1 << 18, 33_871L)]
    [InlineData(1UL, 1, 0L)]
    public void TheBucketOfAHashUnderASaltIsFixed(ulong salt, int buckets, long expected)
    {
        var bucket = FeatureHash.Bucket(FeatureHash.Of("the"), salt, buckets);

        Assert.Equal(expected, bucket);
    }
}
