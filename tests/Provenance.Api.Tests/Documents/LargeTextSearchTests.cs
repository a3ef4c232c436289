using Provenance.Data.Documents;
using Provenance.Testing;

namespace Provenance.Api.Tests.Documents;

/// <summary>Texts larger than <c>to_tsvector</c> takes: the registry allows them when configured to.</summary>
public sealed class LargeTextRegistryFixture : RegistryFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Registry:MaxTextBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The text index reads a prefix of each text, so no text is too large for it to index.</summary>
public sealed class LargeTextSearchTests(LargeTextRegistryFixture registry) : IClassFixture<LargeTextRegistryFixture>
{
    [Fact]
    public async Task ATextWithMoreDistinctWordsThanATsvectorHoldsIsRegisteredAndFoundByItsStart()
    {
        // 2.2 MB of distinct words: to_tsvector over the whole text fails ("string is too long for tsvector").
        var run = Guid.NewGuid().ToString("N")[..8];
        var words = Enumerable.Range(0, 200_000).Select(i => $"{run}x{i:x6}").ToList();
        var text = string.Join(' ', words);

        var doc = await registry.Client("crawler").RegisterAsync(text);
        await registry.IndexSearchAsync();
        var early = await registry.Client("curator").GetJsonAsync<Contracts.Documents.DocumentSearchResponse>(
            $"/v1/documents?q={Uri.EscapeDataString($"\"{words[10]} {words[11]}\"")}");
        var late = await registry.Client("curator").GetJsonAsync<Contracts.Documents.DocumentSearchResponse>(
            $"/v1/documents?q={words[^1]}");

        Assert.True(text.Length > 2 * DocumentSearch.IndexedCharacters * 10);
        Assert.Equal(doc.Id, Assert.Single(early.Items).Id);
        Assert.Empty(late.Items);
    }
}
