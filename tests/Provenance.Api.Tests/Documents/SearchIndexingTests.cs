using System.Diagnostics;
using System.Globalization;
using System.Net;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Stats;
using Provenance.Testing;

namespace Provenance.Api.Tests.Documents;

/// <summary>The API's background search indexer: texts become searchable by their words without a request asking for it.</summary>
public sealed class SearchIndexingTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task ANewTextIsFoundByItsWordsOnceTheIndexersBacklogIsEmpty()
    {
        var word = $"w{Guid.NewGuid():N}";
        var doc = await registry.Client("crawler").RegisterAsync($"Indexed in the background: {word}.");
        var curator = registry.Client("curator");

        // The indexer polls every second (Search:PollInterval); the backlog counts this document until it is indexed.
        var waited = Stopwatch.StartNew();
        StatsResponse stats;
        while ((stats = await curator.GetJsonAsync<StatsResponse>("/v1/stats")).AwaitingSearchIndex != 0 && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
        var page = await curator.GetJsonAsync<DocumentSearchResponse>($"/v1/documents?q={word}");

        Assert.Equal(0, stats.AwaitingSearchIndex);
        Assert.Equal(doc.Id, Assert.Single(page.Items).Id);
    }
}

/// <summary>The registry with <c>Search:IndexText</c> false.</summary>
public sealed class NoTextIndexRegistryFixture : RegistryFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Search:IndexText"] = "false" };
}

/// <summary>Without text indexing, a search by words is refused with a code; every other search works as before.</summary>
public sealed class NoTextIndexTests(NoTextIndexRegistryFixture registry) : IClassFixture<NoTextIndexRegistryFixture>
{
    [Fact]
    public async Task ASearchByWordsIsRefusedWhileIdHashAndUrlAreFound()
    {
        var url = $"https://example.org/{Guid.NewGuid():N}";
        var doc = await registry.Client("crawler").RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText("unindexed"), url));
        var curator = registry.Client("curator");

        var words = await curator.GetAsync("/v1/documents?q=unindexed+document");
        var byId = await curator.GetJsonAsync<DocumentSearchResponse>($"/v1/documents?q={doc.Id.ToString(CultureInfo.InvariantCulture)}");
        var byHash = await curator.GetJsonAsync<DocumentSearchResponse>($"/v1/documents?q=sha256:{doc.ContentHash}");
        var byUrl = await curator.GetJsonAsync<DocumentSearchResponse>($"/v1/documents?q={Uri.EscapeDataString(url)}");
        var stats = await curator.GetJsonAsync<StatsResponse>("/v1/stats");

        var problem = await words.ProblemAsync(HttpStatusCode.UnprocessableEntity, "text_search_disabled");
        Assert.Contains("Search:IndexText", problem.GetProperty("detail").GetString());
        Assert.All([byId, byHash, byUrl], page => Assert.Equal(doc.Id, Assert.Single(page.Items).Id));
        Assert.Null(stats.AwaitingSearchIndex);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM document_search"));
    }
}
