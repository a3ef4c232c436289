using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Api.Tests.Documents;

/// <summary>
/// Values PostgreSQL cannot store, control characters in metadata, sources no crawler fetches from and members the
/// API does not know: each gets a 400 problem naming the field, and nothing of the request is written.
/// </summary>
public class UnstorableInputTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _curator = registry.Client("curator");

    async Task<string> StateAsync() => await registry.ScalarAsync<string>(
        "SELECT concat_ws(',', (SELECT count(*) FROM documents), (SELECT count(*) FROM sightings), (SELECT count(*) FROM assertions), "
        + "(SELECT count(*) FROM lineage_edges), (SELECT count(*) FROM pending_edges), "
        + "(SELECT count(*) FROM generators WHERE vendor IS NOT NULL OR family IS NOT NULL))");

    async Task<JsonElement> AssertRefusedAsync(Func<Task<HttpResponseMessage>> send, string code, params string[] mentions)
    {
        var before = await StateAsync();

        var response = await send();

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, code);
        foreach (var m in mentions)
        {
            Assert.Contains(m, problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, await StateAsync());
        return problem;
    }

    Task<HttpResponseMessage> Post(HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    static string Text() => JsonSerializer.Serialize(TestDocuments.UniqueText());

    [Theory]
    [InlineData("""{"licence": "CC-BY\u0000"}""", "licence contains a NUL character")]
    [InlineData("""{"licence": "\u001b[2J\u001b[HCC0"}""", "licence contains the control character U+001B")]
    [InlineData("""{"licence": "CC0\u0007"}""", "licence contains the control character U+0007")]
    [InlineData("""{"parents": [{"contentHash": "%HASH%", "relation": "paraphrase_of", "paramsHash": "p\u0000"}]}""", "parents[0].paramsHash contains a NUL character")]
    [InlineData("""{"sourceUri": "javascript:alert(document.cookie)"}""", "sourceUri", "scheme 'javascript'")]
    [InlineData("""{"sourceUri": "https://example.org/\u001b[31m"}""", "sourceUri contains the control character U+001B")]
    public Task ADocumentWithAFieldTheRegistryCannotStoreIsRefusedNamingIt(string fields, params string[] mentions) =>
        AssertRefusedAsync(() => Post(_crawler, "/v1/documents",
            $$"""{"text": {{Text()}}, {{fields[1..^1].Replace("%HASH%", new string('a', 64), StringComparison.Ordinal)}}}"""),
            "invalid_document", mentions);

    [Fact]
    public async Task ABatchRejectsOnlyTheItemWithAnUnstorableFieldAndCommitsTheRest()
    {
        var good = TestDocuments.UniqueText();
        var body = $$"""{"documents": [{"text": {{JsonSerializer.Serialize(good)}}, "licence": "CC0"}, {"text": {{Text()}}, "licence": "CC\u0000BY"}]}""";
        var before = await registry.ScalarAsync<long>("SELECT count(*) FROM documents");

        var response = await Post(_crawler, "/v1/documents/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>();
        Assert.Equal((1, 1), (answer!.Created, answer.Rejected));
        var rejected = answer.Results.Single(i => i.Status == "rejected");
        Assert.Equal((1, "invalid_document"), (rejected.Index, rejected.Code));
        Assert.Contains("licence contains a NUL character", rejected.Reason);
        Assert.Equal(before + 1, await registry.ScalarAsync<long>("SELECT count(*) FROM documents"));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM documents WHERE content_hash = decode(@h, 'hex')",
            ("h", TestDocuments.HashOf(good))));
    }

    [Theory]
    [InlineData("""{"vendor": "Acme\u0000"}""", "vendor contains a NUL character")]
    [InlineData("""{"vendor": "Acme", "family": "gpt\u001b[5m"}""", "family contains the control character U+001B")]
    public Task AGeneratorsVendorOrFamilyTheRegistryCannotStoreIsRefused(string json, string mentions) =>
        AssertRefusedAsync(() => _curator.PutAsync("/v1/generators/unstorable-model@1", new StringContent(json, Encoding.UTF8, "application/json")),
            "invalid_generator", mentions);

    [Theory]
    [InlineData("""{"class": "human", "note": "see \u0000 here"}""", "invalid_note", "note contains a NUL character")]
    [InlineData("""{"class": "human", "note": "ring \u0007"}""", "invalid_note", "note contains the control character U+0007")]
    [InlineData("""{"class": "human", "evidence": {"a": "nul \u0000"}}""", "invalid_evidence", "evidence.a contains a NUL character")]
    [InlineData("""{"class": "human", "evidence": {"a": ["half \ud800 pair"]}}""", "invalid_evidence", "evidence.a[0] has an unpaired surrogate")]
    [InlineData("""{"class": "human", "evidence": {"half \udc00 key": 1}}""", "invalid_evidence", "member name with an unpaired surrogate")]
    [InlineData("""{"class": "human", "evidence": {"score": 1e400}}""", "invalid_evidence", "evidence.score is the number 1e400")]
    [InlineData("""{"class": "human", "evidence": {"score": 1e-5000}}""", "invalid_evidence", "evidence.score")]
    public async Task AnAssertionWithANoteOrEvidenceTheRegistryCannotStoreIsRefused(string json, string code, string mentions)
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        await AssertRefusedAsync(() => Post(_curator, $"/v1/documents/{doc.Id}/assertions", json), code, mentions);
    }

    [Fact]
    public async Task ANoteMayHaveLineBreaksAndTabs()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        var response = await Post(_curator, $"/v1/documents/{doc.Id}/assertions", """{"class": "human", "note": "checked:\n\t- the byline\r\n\t- the archive"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task UrlOnADocumentIsRefusedPointingToSourceUri()
    {
        var problem = await AssertRefusedAsync(() => Post(_crawler, "/v1/documents", $$"""{"text": {{Text()}}, "url": "https://example.org/a"}"""),
            "unknown_member", "'url'", "sourceUri");

        Assert.Contains("$.url", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public Task AnUnknownMemberInABatchItemIsRefusedWithItsPath() =>
        AssertRefusedAsync(() => Post(_crawler, "/v1/documents/batch",
                $$"""{"documents": [{"text": {{Text()}}}, {"text": {{Text()}}, "url": "https://example.org/b"}]}"""),
            "unknown_member", "'url'", "$.documents[1].url", "sourceUri");

    [Fact]
    public async Task UnknownMembersElsewhereAreRefusedToo()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        await AssertRefusedAsync(() => Post(_curator, $"/v1/documents/{doc.Id}/assertions", """{"class": "human", "comment": "looks fine"}"""),
            "unknown_member", "'comment'");
        await AssertRefusedAsync(() => Post(_crawler, "/v1/documents",
                $$$"""{"text": {{{Text()}}}, "declared": {"class": "synthetic", "model": "gpt-4o@1"}}"""),
            "unknown_member", "'model'", "$.declared.model");
    }
}
