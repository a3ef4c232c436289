using Provenance.Data.Documents;

namespace Provenance.Data.Tests.Documents;

/// <summary>The one rule that says what a search box's text is taken for.</summary>
public sealed class SearchQueryTests
{
    const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Theory]
    [InlineData("42", SearchKind.Id, "42")]
    [InlineData(" 42 ", SearchKind.Id, "42")]
    [InlineData(Hash, SearchKind.Hash, Hash)]
    [InlineData("sha256:" + Hash, SearchKind.Hash, Hash)]
    [InlineData("SHA256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", SearchKind.Hash, Hash)]
    [InlineData("HTTPS://Example.ORG:443/a b?x=1", SearchKind.Url, "https://example.org/a%20b?x=1")]
    [InlineData("s3://bucket/key", SearchKind.Url, "s3://bucket/key")]
    [InlineData("a phrase from the text", SearchKind.Text, "a phrase from the text")]
    [InlineData("\"quoted phrase\" -not", SearchKind.Text, "\"quoted phrase\" -not")]
    [InlineData("0", SearchKind.Text, "0")]
    [InlineData("-5", SearchKind.Text, "-5")]
    [InlineData("99999999999999999999", SearchKind.Text, "99999999999999999999")]
    [InlineData("note: not a url", SearchKind.Text, "note: not a url")]
    [InlineData("javascript:alert(1)", SearchKind.Text, "javascript:alert(1)")]
    public void EachQueryIsTakenForWhatItLooksLike(string q, SearchKind kind, string value)
    {
        var parsed = SearchQuery.TryParse(q, out var query, out _, out _);

        Assert.True(parsed);
        Assert.Equal(kind, query.Kind);
        Assert.Equal(value, query.Value);
    }

    [Theory]
    [InlineData(null, "empty_query")]
    [InlineData("   ", "empty_query")]
    [InlineData("text with a \u0007 bell", "invalid_query")]
    public void QueriesThatCannotBeSearchedForAreRefusedWithACode(string? q, string code)
    {
        var parsed = SearchQuery.TryParse(q, out _, out var refusal, out var error);

        Assert.False(parsed);
        Assert.Equal(code, refusal);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void LongQueriesAreRefusedAtTheirLimits()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", SearchQuery.MaxTextLength / 5 + 1));
        var longUrl = "https://example.org/" + new string('a', SearchQuery.MaxLength);

        Assert.False(SearchQuery.TryParse(longText, out _, out var textCode, out _));
        Assert.False(SearchQuery.TryParse(longUrl, out _, out var urlCode, out _));
        Assert.True(SearchQuery.TryParse("https://example.org/" + new string('a', 1000), out var url, out _, out _));

        Assert.Equal("query_too_long", textCode);
        Assert.Equal("query_too_long", urlCode);
        Assert.Equal(SearchKind.Url, url.Kind);
    }
}
