using System.Net;
using System.Net.Http.Json;
using System.Text;
using Provenance.Testing;
using Provenance.Contracts.Documents;

namespace Provenance.Api.Tests.Documents;

/// <summary>Limits small enough to test cheaply.</summary>
public sealed class SmallLimitsRegistryFixture : RegistryFixture
{
    public const int MaxTextBytes = 2048;
    public const int MaxBatchSize = 5;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Registry:MaxTextBytes"] = MaxTextBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Registry:MaxBatchSize"] = MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>Every kind of bad input gets an RFC 7807 answer with a reason, and nothing is written.</summary>
public class BadInputTests(SmallLimitsRegistryFixture registry) : IClassFixture<SmallLimitsRegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _reader = registry.Client("curator");

    async Task<long> RowsAsync() => await registry.ScalarAsync<long>(
        "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM sightings) + (SELECT count(*) FROM assertions) "
        + "+ (SELECT count(*) FROM lineage_edges) + (SELECT count(*) FROM pending_edges)");

    async Task AssertRejectedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string code, string mentions)
    {
        var before = await RowsAsync();

        var response = await send();

        var problem = await response.ProblemAsync(status, code);
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await RowsAsync());
    }

    Task<HttpResponseMessage> PostJson(string json, string url = "/v1/documents") =>
        _crawler.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public Task EmptyTextIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(" \n\t ")),
            HttpStatusCode.BadRequest, "invalid_document", "empty");

    [Fact]
    public Task MissingTextIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"sourceUri": "https://example.org/"}"""), HttpStatusCode.BadRequest, "invalid_document", "empty");

    [Fact]
    public Task OversizeTextIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(new string('a', SmallLimitsRegistryFixture.MaxTextBytes + 1))),
            HttpStatusCode.BadRequest, "invalid_document", "limit is 2,048");

    [Fact]
    public Task InvalidUtf8IsRejected() =>
        AssertRejectedAsync(() =>
        {
            var bytes = Encoding.UTF8.GetBytes("""{"text": "caf_ au lait"}""");
            bytes[Array.IndexOf(bytes, (byte)'_')] = 0xC3; // a lead byte followed by a space: not UTF-8
            return _crawler.PostAsync("/v1/documents", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } });
        }, HttpStatusCode.BadRequest, "invalid_utf8", "UTF-8");

    [Fact]
    public Task AnUnpairedSurrogateEscapeIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"text": "half a pair \ud800 here"}"""), HttpStatusCode.BadRequest, "invalid_unicode", "surrogate");

    [Fact]
    public Task ANulCharacterIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"text": "nul \u0000 inside"}"""), HttpStatusCode.BadRequest, "invalid_document", "NUL");

    [Fact]
    public Task AnUnknownClassIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(TestDocuments.UniqueText(), Declared: new DeclaredProvenanceRequest("cyborg"))),
            HttpStatusCode.BadRequest, "invalid_document", "human, synthetic, mixed");

    [Fact]
    public Task AnUnknownRelationIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(TestDocuments.UniqueText(), Parents: [new(ContentHash: new string('a', 64), Relation: "inspired_by")])),
            HttpStatusCode.BadRequest, "invalid_document", "paraphrase_of");

    [Fact]
    public Task AGeneratorOnHumanTextIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(TestDocuments.UniqueText(), Declared: new("human", "gpt-4o@1"))),
            HttpStatusCode.BadRequest, "invalid_document", "generator");

    [Fact]
    public Task ADocumentNamingItselfAsParentIsRejected()
    {
        var text = TestDocuments.UniqueText();
        return AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(text, Parents: [new(ContentHash: TestDocuments.HashOf(text), Relation: "edited_from")])),
            HttpStatusCode.BadRequest, "invalid_document", "itself");
    }

    [Fact]
    public async Task AnExistingDocumentNamingItsOwnIdAsParentIsRejected()
    {
        var text = TestDocuments.UniqueText();
        var doc = await _crawler.RegisterAsync(text);

        await AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(text, Parents: [new(Id: doc.Id, Relation: "edited_from")])),
            HttpStatusCode.Conflict, "lineage_cycle", "own parent");
    }

    [Fact]
    public async Task ACycleIsRejected()
    {
        var a = TestDocuments.UniqueText("grandparent");
        var root = await _crawler.RegisterAsync(a, "human");
        var child = await _crawler.RegisterAsync(TestDocuments.UniqueText("child"), "synthetic", null, new ParentReferenceRequest(root.Id, Relation: "paraphrase_of"));
        var grandchild = await _crawler.RegisterAsync(TestDocuments.UniqueText("grandchild"), "synthetic", null, new ParentReferenceRequest(child.Id, Relation: "paraphrase_of"));

        await AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(a, Parents: [new(grandchild.Id, Relation: "summary_of")])),
            HttpStatusCode.Conflict, "lineage_cycle", "cycle");
    }

    [Fact]
    public Task MalformedJsonIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"text": "unterminated"""), HttpStatusCode.BadRequest, "malformed_json", "JSON");

    [Fact]
    public Task AWrongJsonTypeIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"text": 42}"""), HttpStatusCode.BadRequest, "malformed_json", "$.text");

    [Fact]
    public Task AnOversizeBatchIsRejectedWhole() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest(
                [.. Enumerable.Range(0, SmallLimitsRegistryFixture.MaxBatchSize + 1).Select(_ => new RegisterDocumentRequest(TestDocuments.UniqueText()))])),
            HttpStatusCode.RequestEntityTooLarge, "batch_too_large", "limit is 5");

    [Fact]
    public Task AnEmptyBatchIsRejected() =>
        AssertRejectedAsync(() => PostJson("""{"documents": []}""", "/v1/documents/batch"), HttpStatusCode.BadRequest, "empty_batch", "no documents");

    [Fact]
    public Task AnUnknownParentIdIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(TestDocuments.UniqueText(), Parents: [new(Id: 424_242, Relation: "generated_from")])),
            HttpStatusCode.UnprocessableEntity, "unknown_parent", "424242");

    [Fact]
    public async Task AnUnknownDocumentIdIsNotFound()
    {
        var response = await _reader.GetAsync("/v1/documents/999999999");

        await response.ProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AMalformedDocumentReferenceIsABadRequest()
    {
        var response = await _reader.GetAsync("/v1/documents/not-a-hash/ancestors");

        await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid_document_ref");
    }

    [Fact]
    public async Task ABadLineageQueryIsABadRequest()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        var depth = await _reader.GetAsync($"/v1/documents/{doc.Id}/ancestors?maxDepth=0");
        var relation = await _reader.GetAsync($"/v1/documents/{doc.Id}/descendants?relation=copied_from");

        await depth.ProblemAsync(HttpStatusCode.BadRequest, "invalid_max_depth");
        await relation.ProblemAsync(HttpStatusCode.BadRequest, "invalid_relation");
    }

    [Fact]
    public Task AnInvalidSourceUriIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(TestDocuments.UniqueText(), "not a uri")),
            HttpStatusCode.BadRequest, "invalid_document", "absolute URI");

    [Fact]
    public Task ACrawlTimeInTheFutureIsRejected() =>
        AssertRejectedAsync(() => _crawler.PostAsJsonAsync("/v1/documents",
                new RegisterDocumentRequest(TestDocuments.UniqueText(), CrawledAt: DateTimeOffset.UtcNow.AddDays(30))),
            HttpStatusCode.BadRequest, "invalid_document", "future");

    [Fact]
    public async Task AnInvalidCuratorAssertionIsRejected()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());
        var curator = registry.Client("curator");

        await AssertRejectedAsync(() => curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new { @class = "maybe" }),
            HttpStatusCode.BadRequest, "invalid_class", "maybe");
        await AssertRejectedAsync(() => curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new { @class = "human", confidence = 1.5 }),
            HttpStatusCode.BadRequest, "invalid_confidence", "1.5");
        await AssertRejectedAsync(() => curator.PostAsJsonAsync("/v1/documents/999999999/assertions", new { @class = "human" }),
            HttpStatusCode.NotFound, "not_found", "999999999");
    }
}
