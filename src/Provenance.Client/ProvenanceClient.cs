using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Provenance.Contracts.Access;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;
using Provenance.Contracts.Prov;
using Provenance.Contracts.Stats;
using Provenance.Contracts.Webhooks;

namespace Provenance.Client;

/// <summary>
/// Typed access to the registry's HTTP API. Documents are named by id or content hash (<c>ref</c>). Every error
/// answer becomes a <see cref="ProvenanceApiException"/> carrying the problem's detail and code.
/// </summary>
public sealed class ProvenanceClient(HttpClient http)
{
    public const string ApiKeyHeader = "X-Api-Key";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A client for the registry at <paramref name="baseUrl"/> that sends <paramref name="apiKey"/>.</summary>
    public static ProvenanceClient Create(Uri baseUrl, string apiKey, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout ?? TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        return new ProvenanceClient(http);
    }

    public Uri? BaseAddress => http.BaseAddress;

    public Task<RegisteredDocumentResponse> RegisterAsync(RegisterDocumentRequest request, CancellationToken ct = default) =>
        SendAsync<RegisteredDocumentResponse>(HttpMethod.Post, "v1/documents", request, ct);

    public Task<RegisterDocumentsResponse> RegisterBatchAsync(IReadOnlyList<RegisterDocumentRequest> documents, CancellationToken ct = default) =>
        SendAsync<RegisterDocumentsResponse>(HttpMethod.Post, "v1/documents/batch", new RegisterDocumentsRequest([.. documents]), ct);

    public Task<DocumentResponse> GetDocumentAsync(string docRef, bool includeText = false, CancellationToken ct = default) =>
        SendAsync<DocumentResponse>(HttpMethod.Get, $"v1/documents/{Uri.EscapeDataString(docRef)}{(includeText ? "?include=text" : "")}", null, ct);

    /// <summary>
    /// A page of documents found by id, content hash, source URL or words of the text (<c>GET /v1/documents?q=</c>);
    /// pass a page's <see cref="DocumentSearchResponse.Next"/> as <paramref name="cursor"/> for the next.
    /// </summary>
    public Task<DocumentSearchResponse> SearchDocumentsAsync(string q, int? limit = null, string? cursor = null, CancellationToken ct = default) =>
        SendAsync<DocumentSearchResponse>(HttpMethod.Get,
            $"v1/documents?q={Uri.EscapeDataString(q)}{(limit is { } l ? $"&limit={l}" : "")}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}",
            null, ct);

    public Task<LineageGraphResponse> AncestorsAsync(string docRef, int? maxDepth = null, IEnumerable<string>? relations = null, CancellationToken ct = default) =>
        SendAsync<LineageGraphResponse>(HttpMethod.Get, LineageUrl(docRef, "ancestors", maxDepth, relations), null, ct);

    public Task<LineageGraphResponse> DescendantsAsync(string docRef, int? maxDepth = null, IEnumerable<string>? relations = null, CancellationToken ct = default) =>
        SendAsync<LineageGraphResponse>(HttpMethod.Get, LineageUrl(docRef, "descendants", maxDepth, relations), null, ct);

    public Task<LineageGraphResponse> GraphAsync(string docRef, int? maxDepth = null, IEnumerable<string>? relations = null, CancellationToken ct = default) =>
        SendAsync<LineageGraphResponse>(HttpMethod.Get, LineageUrl(docRef, "graph", maxDepth, relations), null, ct);

    /// <summary>The document's ancestors as W3C PROV-JSON (the same walk as <see cref="AncestorsAsync"/>).</summary>
    public Task<ProvDocument> ProvAsync(string docRef, int? maxDepth = null, IEnumerable<string>? relations = null, CancellationToken ct = default) =>
        SendAsync<ProvDocument>(HttpMethod.Get, LineageUrl(docRef, "prov", maxDepth, relations), null, ct);

    public Task<RootsResponse> RootsAsync(string docRef, CancellationToken ct = default) =>
        SendAsync<RootsResponse>(HttpMethod.Get, $"v1/documents/{Uri.EscapeDataString(docRef)}/roots", null, ct);

    public Task<AssertClassResponse> AssertAsync(string docRef, AssertClassRequest request, CancellationToken ct = default) =>
        SendAsync<AssertClassResponse>(HttpMethod.Post, $"v1/documents/{Uri.EscapeDataString(docRef)}/assertions", request, ct);

    public Task<StatsResponse> StatsAsync(CancellationToken ct = default) =>
        SendAsync<StatsResponse>(HttpMethod.Get, "v1/stats", null, ct);

    public Task<CreatedApiKeyResponse> CreateKeyAsync(string name, string role, CancellationToken ct = default) =>
        SendAsync<CreatedApiKeyResponse>(HttpMethod.Post, "v1/keys", new CreateApiKeyRequest(name, role), ct);

    public Task<List<ApiKeyResponse>> ListKeysAsync(CancellationToken ct = default) =>
        SendAsync<List<ApiKeyResponse>>(HttpMethod.Get, "v1/keys", null, ct);

    public Task<ApiKeyResponse> RevokeKeyAsync(int id, CancellationToken ct = default) =>
        SendAsync<ApiKeyResponse>(HttpMethod.Delete, $"v1/keys/{id}", null, ct);

    /// <summary>Subscribes <paramref name="url"/> to webhook events (admin); the answer holds the signing secret, shown once.</summary>
    public Task<CreatedWebhookResponse> CreateWebhookAsync(string url, IReadOnlyList<string> eventTypes, string? description = null, CancellationToken ct = default) =>
        SendAsync<CreatedWebhookResponse>(HttpMethod.Post, "v1/webhooks", new CreateWebhookRequest(url, eventTypes, description), ct);

    public Task<List<WebhookResponse>> ListWebhooksAsync(CancellationToken ct = default) =>
        SendAsync<List<WebhookResponse>>(HttpMethod.Get, "v1/webhooks", null, ct);

    /// <summary>Deletes a subscription and the events not yet delivered to it (admin).</summary>
    public async Task DeleteWebhookAsync(long id, CancellationToken ct = default)
    {
        using var response = await http.DeleteAsync($"v1/webhooks/{id}", ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, ct);
        }
    }

    /// <summary>Assembles and stores a dataset version (trainer role); status existing when the same spec had already produced it.</summary>
    public Task<DatasetVersionResponse> AssembleDatasetAsync(DatasetSpec spec, CancellationToken ct = default) =>
        SendAsync<DatasetVersionResponse>(HttpMethod.Post, "v1/datasets", spec, ct);

    /// <summary>What <see cref="AssembleDatasetAsync"/> would store, without storing it.</summary>
    public Task<DatasetPreviewResponse> PreviewDatasetAsync(DatasetSpec spec, CancellationToken ct = default) =>
        SendAsync<DatasetPreviewResponse>(HttpMethod.Post, "v1/datasets?dryRun=true", spec, ct);

    /// <summary>A version by id, name@N, or dataset name (its latest version), with its manifest.</summary>
    public Task<DatasetVersionResponse> GetDatasetAsync(string versionRef, CancellationToken ct = default) =>
        SendAsync<DatasetVersionResponse>(HttpMethod.Get, $"v1/datasets/{Uri.EscapeDataString(versionRef)}", null, ct);

    public Task<List<DatasetResponse>> ListDatasetsAsync(CancellationToken ct = default) =>
        SendAsync<List<DatasetResponse>>(HttpMethod.Get, "v1/datasets", null, ct);

    /// <summary>The version and the versions it accumulates on, the first of the chain first.</summary>
    public Task<List<DatasetVersionSummary>> DatasetChainAsync(string versionRef, CancellationToken ct = default) =>
        SendAsync<List<DatasetVersionSummary>>(HttpMethod.Get, $"v1/datasets/{Uri.EscapeDataString(versionRef)}/chain", null, ct);

    /// <summary>The version as W3C PROV-JSON: its assembly, spec, base, requester and the detectors that counted documents.</summary>
    public Task<ProvDocument> DatasetProvAsync(string versionRef, CancellationToken ct = default) =>
        SendAsync<ProvDocument>(HttpMethod.Get, $"v1/datasets/{Uri.EscapeDataString(versionRef)}/prov", null, ct);

    /// <summary>Copies the canonical manifest (the bytes whose SHA-256 is the manifest hash) to <paramref name="destination"/>.</summary>
    public async Task DownloadDatasetManifestAsync(string versionRef, Stream destination, CancellationToken ct = default)
    {
        using var response = await http.GetAsync($"v1/datasets/{Uri.EscapeDataString(versionRef)}/manifest", HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, ct);
        }
        await (await response.Content.ReadAsStreamAsync(ct)).CopyToAsync(destination, ct);
    }

    /// <summary>How <see cref="DatasetDocumentsAsync"/> rides out failures.</summary>
    public StreamRetry StreamRetry { get; init; } = StreamRetry.Default;

    /// <summary>
    /// A version's documents in order from <paramref name="offset"/>. A stream that fails (the connection drops, the
    /// response is cut short, the registry answers 5xx before or on resuming) is asked again from the next offset, as
    /// <see cref="StreamRetry"/> says; each retry is reported to <paramref name="interruptions"/> first. A 4xx answer is
    /// the caller's to fix and is never retried.
    /// </summary>
    public async IAsyncEnumerable<DatasetDocument> DatasetDocumentsAsync(
        string versionRef, long offset = 0, bool includeText = true, IProgress<StreamInterruption>? interruptions = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var next = offset;
        for (var failures = 1; ; failures++)
        {
            var url = $"v1/datasets/{Uri.EscapeDataString(versionRef)}/documents?offset={next.ToString(CultureInfo.InvariantCulture)}"
                + (includeText ? "" : "&text=false");
            var (response, failure) = await OpenStreamAsync(url, ct);
            if (response is not null)
            {
                using (response)
                using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct)))
                {
                    while (true)
                    {
                        var (document, lineFailure) = await ReadDocumentAsync(reader, ct);
                        if (lineFailure is not null)
                        {
                            failure = lineFailure;
                            break;
                        }
                        if (document is null)
                        {
                            yield break;
                        }
                        next = document.Offset + 1;
                        failures = 1;
                        yield return document;
                    }
                }
            }
            if (failures > StreamRetry.Retries)
            {
                ExceptionDispatchInfo.Throw(failure!);
            }
            var delay = StreamRetry.DelayBefore(failures);
            interruptions?.Report(new StreamInterruption(next, failures, StreamRetry.Retries, delay,
                failure is ProvenanceApiException api ? $"HTTP {(int)api.Status} {api.Message}" : failure!.Message));
            await Task.Delay(delay, ct);
        }
    }

    /// <summary>The response to a stream request, or the failure worth retrying; a 4xx answer throws.</summary>
    async Task<(HttpResponseMessage? Response, Exception? Failure)> OpenStreamAsync(string url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (IsStreamFailure(e, ct))
        {
            return (null, e);
        }
        if (response.IsSuccessStatusCode)
        {
            return (response, null);
        }
        using (response)
        {
            var problem = await ProblemAsync(response, ct);
            return (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                ? (null, problem)
                : throw problem;
        }
    }

    /// <summary>The next document, null at the end of the stream, or the failure that cut it short.</summary>
    static async Task<(DatasetDocument? Document, Exception? Failure)> ReadDocumentAsync(StreamReader reader, CancellationToken ct)
    {
        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length > 0)
                {
                    // A line cut short by a connection that closed without an error does not parse: it is a failure too.
                    return (JsonSerializer.Deserialize<DatasetDocument>(line, Json)!, null);
                }
            }
            return (null, null);
        }
        catch (Exception e) when (IsStreamFailure(e, ct) || e is JsonException)
        {
            return (null, e);
        }
    }

    /// <summary>The network failed or the request timed out (a cancelled <paramref name="ct"/> is the caller's, not a failure).</summary>
    static bool IsStreamFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    static string LineageUrl(string docRef, string kind, int? maxDepth, IEnumerable<string>? relations)
    {
        var query = new List<string>();
        if (maxDepth is { } d)
        {
            query.Add("maxDepth=" + d.ToString(CultureInfo.InvariantCulture));
        }
        query.AddRange((relations ?? []).Select(r => "relation=" + Uri.EscapeDataString(r)));
        return $"v1/documents/{Uri.EscapeDataString(docRef)}/{kind}" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    async Task<T> SendAsync<T>(HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
            // Sent with its Content-Length rather than chunked: the registry counts a body of unknown length as
            // large as its endpoint allows, and holds back large ones beyond a few at once.
            await request.Content.LoadIntoBufferAsync(ct);
        }
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, ct);
        }
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    static async Task<ProvenanceApiException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            return new ProvenanceApiException(response.StatusCode,
                problem.TryGetProperty("title", out var t) ? t.GetString() ?? response.ReasonPhrase ?? "error" : response.ReasonPhrase ?? "error",
                problem.TryGetProperty("detail", out var d) ? d.GetString() : null,
                problem.TryGetProperty("code", out var c) ? c.GetString() : null) { Problem = problem.Clone() };
        }
        catch (JsonException)
        {
            return new ProvenanceApiException(response.StatusCode, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", text.Length > 500 ? text[..500] : text, null);
        }
    }
}
