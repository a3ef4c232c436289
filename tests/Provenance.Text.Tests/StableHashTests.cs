namespace Provenance.Text.Tests;

/// <summary>
/// The primitives give the values they gave when the detector model, the MinHash tables and the sample-key starts were
/// made. These values were computed before the primitives had one definition, from the copies they replaced; a change
/// here changes stored manifest hashes and the shipped model's features.
/// </summary>
public class StableHashTests
{
    [Theory]
    [InlineData("", 0xCBF29CE484222325UL)]
    [InlineData("a", 0xAF63DC4C8601EC8CUL)]
    [InlineData("hello", 0xA430D84680AABD0BUL)]
    [InlineData("Provenance", 0xB9CDFAE56D72CFE2UL)]
    [InlineData("é中😀", 0x414DD7E5C4194E66UL)]
    public void FnvGivesTheFnv1aHashOfTheUtf16CodeUnits(string text, ulong expected)
    {
        var stepwise = StableHash.FnvOffset;
        foreach (var c in text)
        {
            stepwise = StableHash.FnvAdd(stepwise, c);
        }

        Assert.Equal(expected, StableHash.Fnv(text));
        Assert.Equal(expected, stepwise);
    }

    [Theory]
    [InlineData(0UL, 0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL)]
    [InlineData(42UL, 0xBDD732262FEB6E95UL, 0x28EFE333B266F103UL, 0x47526757130F9F52UL)]
    [InlineData(1234567UL, 0x599ED017FB08FC85UL, 0x2C73F08458540FA5UL, 0x883EBCE5A3F27C77UL)]
    public void SplitMix64GivesItsReferenceSequence(ulong seed, ulong first, ulong second, ulong third)
    {
        var state = seed;

        ulong[] values = [StableHash.SplitMix64Next(ref state), StableHash.SplitMix64Next(ref state), StableHash.SplitMix64Next(ref state)];

        Assert.Equal(new[] { first, second, third }, values);
        Assert.Equal(unchecked(seed + 3 * StableHash.GoldenRatio), state);
    }

    [Theory]
    [InlineData(0L, -2152535657050944081L)]
    [InlineData(1L, -7995527694508729151L)]
    [InlineData(42L, -4767286540954276203L)]
    [InlineData(-1L, -1956407806741107680L)]
    [InlineData(long.MaxValue, 3055647633038352039L)]
    public void SplitMix64MixOfASeedPlusTheGoldenRatioIsTheSeedsFirstValue(long seed, long expected)
    {
        var mixed = StableHash.SplitMix64Mix(unchecked((ulong)seed + StableHash.GoldenRatio));

        Assert.Equal(expected, unchecked((long)mixed));
    }

    [Fact]
    public void TheGoldenRatioIsTwoToTheSixtyFourOverPhi() => Assert.Equal(0x9E3779B97F4A7C15UL, StableHash.GoldenRatio);
}
