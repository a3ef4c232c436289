using Provenance.Text;

namespace Provenance.Text.Tests;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("line one\r\nline two", "line one\nline two")]
    [InlineData("old mac\rline", "old mac\nline")]
    [InlineData("\uFEFFwith a byte-order mark", "with a byte-order mark")]
    [InlineData("  padded \n\t", "padded")]
    [InlineData("cafe\u0301", "caf\u00e9")]
    [InlineData("emoji \U0001F600 stays", "emoji \U0001F600 stays")]
    public void TextIsBroughtToOneCanonicalForm(string input, string expected)
    {
        var ok = TextNormalizer.TryNormalize(input, out var normalized, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData(" \n\t\r ", "empty")]
    [InlineData("\uFEFF", "empty")]
    [InlineData("nul\0inside", "NUL character at position 3")]
    public void UnusableTextIsRefusedWithAReason(string? input, string reason)
    {
        var ok = TextNormalizer.TryNormalize(input, out _, out var error);

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void UnpairedSurrogatesAreRefused()
    {
        // Built at run time: attribute arguments cannot carry lone surrogates through metadata intact.
        var high = "half " + (char)0xD800 + " pair";
        var low = "low " + (char)0xDC00 + " first";

        Assert.False(TextNormalizer.TryNormalize(high, out _, out var highError));
        Assert.False(TextNormalizer.TryNormalize(low, out _, out var lowError));
        Assert.Contains("unpaired surrogate at position 5", highError);
        Assert.Contains("unpaired surrogate at position 4", lowError);
    }

    [Fact]
    public void StrictUtf8DecodingReportsTheOffendingOffset()
    {
        var ok = TextNormalizer.TryDecodeUtf8([0x61, 0x62, 0xC3, 0x28], out _, out var error);

        Assert.False(ok);
        Assert.Contains("offset 2", error);
    }
}
