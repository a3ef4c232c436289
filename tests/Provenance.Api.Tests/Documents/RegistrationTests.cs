using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Testing;
using Provenance.Contracts.Documents;
using Provenance.Text.Tokens;

namespace Provenance.Api.Tests.Documents;

public class RegistrationTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _reader = registry.Client("curator");

    [Fact]
    public async Task ReregisteringTheSameTextAddsASightingNotADocument()
    {
        var text = TestDocuments.UniqueText();

        var first = await _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(text, "https://a.example/1"));
        var second = await _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(text, "https://b.example/2"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<RegisteredDocumentResponse>();
        var b = await second.Content.ReadFromJsonAsync<RegisteredDocumentResponse>();
        Assert.Equal(a!.Id, b!.Id);
        Assert.Equal("created", a.Status);
        Assert.Equal("existing", b.Status);
        var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{a.Id}");
        Assert.Equal(2, doc.SightingCount);
        Assert.Equal(["https://a.example/1", "https://b.example/2"], doc.Sightings.Select(s => s.Uri).Order());
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM documents WHERE content_hash = decode(@h, 'hex')", ("h", a.ContentHash)));
    }

    [Fact]
    public async Task AMebibyteOfOneUnbrokenRunIsRegisteredPromptly()
    {
        // One run of letters is one pre-token; counting its tokens once took minutes, long after the client gave up.
        var unique = TestDocuments.UniqueText() + " ";
        var text = unique + new string('a', (1 << 20) - unique.Length);

        var stopwatch = Stopwatch.StartNew();
        var response = await _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(text, "https://a.example/run"));
        stopwatch.Stop();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // The defect took minutes; 30 s leaves room for a loaded 2-core machine and the partitioned mode (10 s did not).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"registration took {stopwatch.Elapsed.TotalSeconds:F1} s");
        var registered = await response.Content.ReadFromJsonAsync<RegisteredDocumentResponse>();
        var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{registered!.Id}");
        Assert.Equal(TokenCounter.Count(text), doc.TokenCount);
    }

    [Fact]
    public async Task TheSameSightingSentTwiceIsRecordedOnce()
    {
        var request = new RegisterDocumentRequest(TestDocuments.UniqueText(), "https://a.example/once", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var a = await _crawler.RegisterAsync(request);
        var b = await _crawler.RegisterAsync(request);

        Assert.Equal(a.Id, b.Id);
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM sightings WHERE document_id = @id", ("id", a.Id)));
    }

    [Fact]
    public async Task TextIsNormalizedBeforeHashing()
    {
        var text = TestDocuments.UniqueText("caf\u00e9");
        var decomposed = "\uFEFF  " + text.Replace("\u00e9", "e\u0301", StringComparison.Ordinal).Replace(" ", "\r\n", StringComparison.Ordinal) + "\n\n";

        var a = await _crawler.RegisterAsync(text.Replace(" ", "\n", StringComparison.Ordinal));
        var b = await _crawler.RegisterAsync(decomposed);

        Assert.Equal(a.Id, b.Id);
        Assert.Equal(TestDocuments.HashOf(text.Replace(" ", "\n", StringComparison.Ordinal)), a.ContentHash);
    }

    [Fact]
    public async Task ADocumentIsAddressableByIdAndByContentHash()
    {
        var text = TestDocuments.UniqueText();
        var registered = await _crawler.RegisterAsync(text, "human");

        var byId = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{registered.Id}?include=text");
        var byHash = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{registered.ContentHash}");
        var byPrefixedHash = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/sha256:{registered.ContentHash}");
        var plain = await _reader.GetStringAsync($"/v1/documents/{registered.ContentHash}/text");

        Assert.Equal(registered.Id, byHash.Id);
        Assert.Equal(registered.Id, byPrefixedHash.Id);
        Assert.Equal(text, byId.Text);
        Assert.Null(byHash.Text);
        Assert.Equal(text, plain);
        Assert.Equal("human", byId.Class);
        Assert.Equal(0, byId.Depth);
        Assert.True(byId.TokenCount > 5);
        Assert.Equal(text.Length, byId.CharCount);
    }

    [Fact]
    public async Task ABatchAnswersPerItemAndCommitsTheValidItems()
    {
        var existing = await _crawler.RegisterAsync(TestDocuments.UniqueText());
        var fresh = TestDocuments.UniqueText();
        var request = new RegisterDocumentsRequest(
        [
            new(fresh),
            new(""),
            new(TestDocuments.UniqueText(), Declared: new("alien")),
            new(await _reader.GetStringAsync($"/v1/documents/{existing.Id}/text")),
            new(fresh, "https://dup.example/"),
            new(TestDocuments.UniqueText(), Parents: [new(Id: 987_654_321, Relation: "paraphrase_of")]),
        ]);

        var response = await _crawler.PostAsJsonAsync("/v1/documents/batch", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!;
        Assert.Equal(["created", "rejected", "rejected", "existing", "existing", "rejected"], body.Results.Select(r => r.Status));
        Assert.Equal([0, 1, 2, 3, 4, 5], body.Results.Select(r => r.Index));
        Assert.Equal((1, 2, 3), (body.Created, body.Existing, body.Rejected));
        Assert.Equal(body.Results[0].Id, body.Results[4].Id);
        Assert.Equal(existing.Id, body.Results[3].Id);
        Assert.Contains("empty", body.Results[1].Reason);
        Assert.Contains("'alien'", body.Results[2].Reason);
        Assert.Contains("987654321", body.Results[5].Reason);
        Assert.All(body.Results.Where(r => r.Status == "rejected"), r => Assert.Null(r.Id));
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM sightings WHERE document_id = @id", ("id", body.Results[0].Id!.Value)));
    }

    [Fact]
    public async Task ABatchOfTenThousandDocumentsIsAccepted()
    {
        var run = Guid.NewGuid().ToString("N");
        var documents = Enumerable.Range(0, 10_000)
            .Select(i => new RegisterDocumentRequest($"Batch {run} document {i}: " + new string('x', 200), $"https://bulk.example/{run}/{i}"))
            .ToList<RegisterDocumentRequest?>();

        var response = await _crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest(documents));

        var body = (await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!;
        Assert.Equal(10_000, body.Created);
        Assert.Equal(10_000, body.Results.Select(r => r.Id).Distinct().Count());
        Assert.Equal(10_000, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM sightings WHERE uri LIKE @p", ("p", $"https://bulk.example/{run}/%")));
    }

    [Fact]
    public async Task DeclaringTheSameClassAgainDoesNotGrowTheHistory()
    {
        var text = TestDocuments.UniqueText();

        var a = await _crawler.RegisterAsync(text, "synthetic", "gpt-4o@2024-08-06");
        await _crawler.RegisterAsync(text, "synthetic", "gpt-4o@2024-08-06");
        await _crawler.RegisterAsync(text, "mixed", "gpt-4o@2024-08-06");

        var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{a.Id}");
        Assert.Equal(["synthetic", "mixed"], doc.Assertions.Select(x => x.Class));
        Assert.Equal("mixed", doc.Class);
        Assert.Equal("gpt-4o@2024-08-06", doc.Generator);
    }

    [Fact]
    public async Task AnIptcDigitalSourceTypeDeclaresTheClassAndIsKeptAsEvidence()
    {
        var registered = await _crawler.RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText(),
            Declared: new(DigitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")));

        var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{registered.Id}");

        Assert.Equal("synthetic", doc.Class);
        Assert.Equal("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            doc.Assertions.Single().Evidence!.Value.GetProperty("digitalSourceType").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentSaysABatchItemCarriesARejectionCode()
    {
        var json = JsonDocument.Parse(await registry.Client(role: null).GetStringAsync("/openapi/v1.json")).RootElement;

        var code = json.GetProperty("components").GetProperty("schemas").GetProperty(nameof(BatchItemResponse)).GetProperty("properties").GetProperty("code");
        Assert.Contains("lineage_cycle", code.GetProperty("description").GetString());
    }
}
