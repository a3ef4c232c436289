using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;

namespace Provenance.Testing;

/// <summary>Registers small corpora on a source domain of their own, and reads dataset versions back.</summary>
public static class DatasetRequests
{
    /// <summary>A source domain no other test uses, so that a spec filtered on it sees only this test's documents.</summary>
    public static string NewDomain() => $"t{Guid.NewGuid():N}.test";

    public static async Task<List<RegisteredDocumentResponse>> RegisterAsync(
        this HttpClient crawler, string domain, string? cls, int count, string? generator = null, Func<int, ParentReferenceRequest[]>? parents = null,
        string? language = null, string? licence = null, DateTimeOffset? crawledAt = null, Func<int, string>? text = null)
    {
        var documents = Enumerable.Range(0, count).Select(i => new RegisterDocumentRequest(
            text?.Invoke(i) ?? $"{cls ?? "unknown"} document {i} from {domain}, {Guid.NewGuid():N}: some words to count as tokens.",
            SourceUri: $"https://www.{domain}/{cls}/{i}", CrawledAt: crawledAt, Language: language, Licence: licence,
            Declared: cls is null ? null : new DeclaredProvenanceRequest(cls, cls is "synthetic" or "mixed" ? generator : null),
            Parents: parents?.Invoke(i))).ToList();
        var response = await crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest(documents));
        response.EnsureSuccessStatusCode();
        var results = (await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!.Results;
        Assert.All(results, r => Assert.NotEqual("rejected", r.Status));
        return [.. results.Select(r => new RegisteredDocumentResponse(r.Id!.Value, r.ContentHash!, r.Class!, r.Depth, r.Status, r.PendingParents))];
    }

    public static DatasetSpec Spec(string dataset, string domain, long documents, double minHuman, string? baseRef = null, double? maxSynthetic = null,
        string?[]? classes = null, long seed = 1) =>
        new(dataset, baseRef, new DatasetTarget(Documents: documents), minHuman, maxSynthetic,
            Filters: new DatasetFilters(SourceDomains: [domain], Classes: classes), Seed: seed);

    public static async Task<DatasetVersionResponse> AssembleAsync(this HttpClient trainer, DatasetSpec spec)
    {
        var response = await trainer.PostAsJsonAsync("/v1/datasets", spec);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /v1/datasets -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<DatasetVersionResponse>())!;
    }

    public static async Task<List<DatasetDocument>> DocumentsAsync(this HttpClient reader, string versionRef, long offset = 0, bool text = true)
    {
        var response = await reader.GetAsync($"/v1/datasets/{versionRef}/documents?offset={offset}&text={(text ? "true" : "false")}");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<DatasetDocument>(line, JsonSerializerOptions.Web)!)];
    }

    /// <summary>The share of <paramref name="documents"/> counted as <paramref name="cls"/>.</summary>
    public static double Share(this IReadOnlyCollection<DatasetDocument> documents, string cls) =>
        documents.Count(d => d.CountedAs == cls) / (double)documents.Count;

    public static Task<T> ReadAsync<T>(this HttpClient client, string url) => client.GetJsonAsync<T>(url);
}
