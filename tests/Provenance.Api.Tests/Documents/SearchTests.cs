using System.Net;
using System.Text.Json;
using Npgsql;
using Provenance.Contracts.Documents;
using Provenance.Data.Documents;
using Provenance.Testing;

namespace Provenance.Api.Tests.Documents;

/// <summary><c>GET /v1/documents?q=</c>: each kind of query, paging, refusals and who may search.</summary>
public sealed class SearchTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _curator = registry.Client("curator");

    Task<DocumentSearchResponse> SearchAsync(string q, string paging = "") =>
        _curator.GetJsonAsync<DocumentSearchResponse>($"/v1/documents?q={Uri.EscapeDataString(q)}{paging}");

    static string Word() => $"w{Guid.NewGuid():N}";

    [Fact]
    public async Task ADocumentIsFoundByItsId()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText(), "human");

        var page = await SearchAsync(doc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("id", page.Kind);
        var hit = Assert.Single(page.Items);
        Assert.Equal((doc.Id, doc.ContentHash, "human"), (hit.Id, hit.ContentHash, hit.Class));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task ADocumentIsFoundByItsContentHashWithOrWithoutPrefix()
    {
        var text = TestDocuments.UniqueText();
        var doc = await _crawler.RegisterAsync(text);

        var bare = await SearchAsync(doc.ContentHash);
        var prefixed = await SearchAsync("sha256:" + doc.ContentHash.ToUpperInvariant());

        Assert.Equal("hash", bare.Kind);
        Assert.Equal(doc.Id, Assert.Single(bare.Items).Id);
        Assert.Equal(doc.Id, Assert.Single(prefixed.Items).Id);
        Assert.Equal(text, bare.Items[0].Snippet);
    }

    [Fact]
    public async Task EveryDocumentSeenAtAUrlIsFoundByItAsRegistrationWroteIt()
    {
        var path = Word();
        var first = await _crawler.RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText(), $"HTTPS://Example.ORG:443/{path} page"));
        var second = await _crawler.RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText(), $"https://example.org/{path}%20page"));
        await _crawler.RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText(), $"https://example.org/{path}%20page/other"));

        var page = await SearchAsync($"https://EXAMPLE.org/{path} page");

        Assert.Equal("url", page.Kind);
        Assert.Equal($"https://example.org/{path}%20page", page.Query);
        Assert.Equal([second.Id, first.Id], page.Items.Select(i => i.Id));
        Assert.All(page.Items, i => Assert.Equal($"https://example.org/{path}%20page", i.SourceUri));
    }

    [Fact]
    public async Task APhraseFromTheTextFindsTheDocumentWithASnippetAroundIt()
    {
        var word = Word();
        var filler = string.Join(' ', Enumerable.Range(0, 80).Select(i => $"filler{i}"));
        var text = $"{filler} The curator typed {word} into the search box. {filler}";
        var doc = await _crawler.RegisterAsync(new RegisterDocumentRequest(text, "https://example.org/phrase"));
        await registry.IndexSearchAsync();

        var phrase = await SearchAsync($"\"typed {word} into the\"");
        var words = await SearchAsync($"SEARCH {word}, box!");
        var wrongOrder = await SearchAsync($"\"into {word} typed\"");
        var excluded = await SearchAsync($"{word} -curator");

        Assert.Equal("text", phrase.Kind);
        var hit = Assert.Single(phrase.Items);
        Assert.Equal((doc.Id, "https://example.org/phrase"), (hit.Id, hit.SourceUri));
        Assert.Contains($"typed {word} into", hit.Snippet);
        Assert.True(hit.Snippet.Length < 400, hit.Snippet);
        Assert.Equal(doc.Id, Assert.Single(words.Items).Id);
        Assert.Empty(wrongOrder.Items);
        Assert.Empty(excluded.Items);
    }

    [Fact]
    public async Task PagesFollowTheCursorNewestFirstWithoutRepeatsOrGaps()
    {
        var word = Word();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _crawler.RegisterAsync(TestDocuments.UniqueText($"page test {word}"))).Id);
        }
        await registry.IndexSearchAsync();

        var seen = new List<long>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await SearchAsync(word, $"&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderDescending(), seen);
    }

    [Fact]
    public async Task NothingFoundIsAnEmptyPageNotAnError()
    {
        var page = await SearchAsync(new string('a', 64).Replace('a', 'e'));

        Assert.Equal("hash", page.Kind);
        Assert.Empty(page.Items);
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData("", "", "empty_query")]
    [InlineData("%20%20", "", "empty_query")]
    [InlineData("word", "&limit=0", "invalid_limit")]
    [InlineData("word", "&limit=101", "invalid_limit")]
    [InlineData("word", "&cursor=abc", "invalid_cursor")]
    [InlineData("word", "&cursor=-3", "invalid_cursor")]
    public async Task BadSearchesAreRefusedWithACode(string q, string paging, string code)
    {
        var response = await _curator.GetAsync($"/v1/documents?q={q}{paging}");

        await response.ProblemAsync(HttpStatusCode.BadRequest, code);
    }

    /// <summary>What a query string can carry that a search box would not: none of it may reach PostgreSQL as an error.</summary>
    [Theory]
    [InlineData("a%00b", "")]
    [InlineData("%1b%5b2J", "")]
    [InlineData("%ED%A0%80", "")]
    [InlineData("%FF%FE", "")]
    [InlineData("%22%22%22%22", "")]
    [InlineData("-", "")]
    [InlineData("%21%21%21%26%7c%3a*", "")]
    [InlineData("99999999999999999999", "")]
    [InlineData("sha256%3a", "")]
    [InlineData("https%3a%2f%2f", "")]
    [InlineData("https%3a%2f%2fexample.org%2f%00", "")]
    [InlineData("word", "&limit=1e400")]
    [InlineData("word", "&limit=%00")]
    [InlineData("word", "&cursor=99999999999999999999")]
    [InlineData("word", "&cursor=%ED%A0%80")]
    [InlineData("word", "&q=other")]
    public async Task AHostileQueryStringIsAnsweredWithoutA5xx(string q, string rest)
    {
        var response = await _curator.GetAsync($"/v1/documents?q={q}{rest}");

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for q={q}{rest}: {await response.Content.ReadAsStringAsync()}");
        if (!response.IsSuccessStatusCode)
        {
            await response.ProblemAsync(response.StatusCode);
        }
    }

    [Fact]
    public async Task AMissingOrOverlongQueryIsRefused()
    {
        var missing = await _curator.GetAsync("/v1/documents");
        var tooLong = await _curator.GetAsync($"/v1/documents?q={string.Join('+', Enumerable.Repeat("word", 100))}");

        await missing.ProblemAsync(HttpStatusCode.BadRequest, "empty_query");
        var problem = await tooLong.ProblemAsync(HttpStatusCode.BadRequest, "query_too_long");
        Assert.Contains("limit is 256", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("curator")]
    [InlineData("trainer")]
    [InlineData("admin")]
    public async Task ReadersMaySearch(string role)
    {
        var response = await registry.Client(role).GetAsync("/v1/documents?q=anything");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ACrawlerMayNotSearch()
    {
        var response = await _crawler.GetAsync("/v1/documents?q=anything");

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheTextSearchIsAnsweredFromItsIndex()
    {
        await using var conn = new NpgsqlConnection(registry.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SET enable_seqscan = off;
            EXPLAIN SELECT document_id FROM document_search WHERE vector @@ websearch_to_tsquery('simple'::regconfig, 'phrase');
            """, conn);

        var plan = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("ix_document_search_vector", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSearchIsDescribedInOpenApi()
    {
        using var spec = JsonDocument.Parse(await registry.Client().GetStringAsync("/openapi/v1.json"));

        var get = spec.RootElement.GetProperty("paths").EnumerateObject()
            .Single(p => p.Name.TrimEnd('/') == "/v1/documents" && p.Value.TryGetProperty("get", out _)).Value.GetProperty("get");

        Assert.Equal("SearchDocuments", get.GetProperty("operationId").GetString());
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "cursor");
    }
}
