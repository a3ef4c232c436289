using Provenance.Detection.Watermarks;
using Provenance.Text.Tokens;

namespace Provenance.Detection.Tests.Watermarks;

/// <summary>
/// The green-list test of Kirchenbauer et al. on texts these tests watermark themselves: the z-score of known counts,
/// a high z for the watermarked text under its key, and a z near 0 for the same text under another key and for human text.
/// </summary>
public sealed class KirchenbauerWatermarkTests(ITestOutputHelper output)
{
    [Theory]
    // (|s|_G − γT) / √(Tγ(1−γ)): 200 tokens at γ = 0.25 expect 50 green with a standard deviation of √37.5 = 6.124.
    [InlineData(50, 200, 0.25, 0.0)]
    [InlineData(75, 200, 0.25, 4.082483)]
    [InlineData(200, 200, 0.25, 24.494897)]
    [InlineData(40, 100, 0.5, -2.0)]
    public void TheZScoreOfKnownCountsIsThePapers(int green, int scored, double gamma, double z)
    {
        Assert.Equal(z, KirchenbauerWatermark.ZScore(green, scored, gamma), 5);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959964, 0.025)]
    [InlineData(4.0, 3.167124e-5)]
    [InlineData(10.0, 7.619853e-24)]
    [InlineData(-1.959964, 0.975)]
    public void ThePValueIsTheNormalUpperTailFarIntoTheTail(double z, double p)
    {
        Assert.Equal(p, KirchenbauerWatermark.UpperTail(z), p * 1e-6);
    }

    [Fact]
    public void TextWatermarkedWithTheKeyScoresFarAboveTheThreshold()
    {
        var check = WatermarkedText.Check();
        var text = WatermarkedText.Generate(check, 200);

        var result = check.Check(text);

        output.WriteLine($"watermarked (δ = 2, 200 tokens): z = {result?.Z:F2}, p = {result?.PValue:E2}, {result?.GreenTokens}/{result?.TokensScored} green\n{text}");
        Assert.NotNull(result);
        Assert.True(result.Detected);
        Assert.True(result.Z > 8, $"z = {result.Z}");
        Assert.InRange(result.TokensScored, 150, 200);
        Assert.Equal(WatermarkResult.MostConfidence, result.Confidence);
        Assert.DoesNotContain(WatermarkedText.Key, result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameTextUnderAnotherKeyScoresNearZero()
    {
        var text = WatermarkedText.Generate(WatermarkedText.Check(), 200);

        var result = WatermarkedText.Check(WatermarkedText.OtherKey).Check(text);

        output.WriteLine($"watermarked text, other key: z = {result?.Z:F2}, {result?.GreenTokens}/{result?.TokensScored} green");
        Assert.NotNull(result);
        Assert.False(result.Detected);
        Assert.InRange(result.Z, -3, 3);
    }

    [Fact]
    public void HumanTextScoresNearZeroAndIsNeverDetected()
    {
        var check = WatermarkedText.Check();

        var results = WatermarkedText.HumanTexts().Select(check.Check).OfType<WatermarkResult>().ToList();

        output.WriteLine("human texts: z = " + string.Join(", ", results.Select(r => $"{r.Z:F2} ({r.TokensScored} tokens)")));
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.InRange(r.Z, -3, 3));
        Assert.DoesNotContain(results, r => r.Detected);
    }

    [Fact]
    public void AWiderContextSeedsItsOwnGreenLists()
    {
        var check = WatermarkedText.Check(contextWidth: 2);
        var text = WatermarkedText.Generate(check, 200, contextWidth: 2);

        var wide = check.Check(text);
        var narrow = WatermarkedText.Check(contextWidth: 1).Check(text);

        output.WriteLine($"context 2: z = {wide?.Z:F2}; the same text read with context 1: z = {narrow?.Z:F2}");
        Assert.True(wide is { Detected: true, ContextWidth: 2 });
        Assert.True(narrow is { Detected: false });
    }

    [Fact]
    public void RepeatedPairsCountOnceSoARepeatedPhraseIsOnePieceOfEvidence()
    {
        var check = WatermarkedText.Check();
        var phrase = WatermarkedText.Generate(check, 20);
        var text = string.Join(' ', Enumerable.Repeat(phrase, 20));

        var result = check.Check(text);

        Assert.Null(result);
        Assert.NotNull(new KirchenbauerWatermark(new WatermarkScheme
        {
            Generator = "test-lm@1", Key = WatermarkedText.Key, CountRepeatsOnce = false,
        }, WatermarkedText.Generator).Check(text));
    }

    [Fact]
    public void ATextWithFewerTokensThanTheMinimumHasNoResult()
    {
        var check = WatermarkedText.Check();
        var text = WatermarkedText.Generate(check, 40);

        Assert.Null(check.Check(text));
        Assert.InRange(TokenIds.Encode(TokenIds.O200kBase, text).Count, 30, 49);
    }
}
