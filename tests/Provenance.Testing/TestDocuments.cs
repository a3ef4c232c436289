using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Provenance.Contracts.Documents;

namespace Provenance.Testing;

/// <summary>Small helpers that keep the tests about behaviour rather than HTTP plumbing.</summary>
public static class TestDocuments
{
    /// <summary>A text no other test will register.</summary>
    public static string UniqueText(string about = "document") => $"A {about} written for one test only: {Guid.NewGuid():N}.";

    public static string HashOf(string normalizedText) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedText)));

    public static async Task<RegisteredDocumentResponse> RegisterAsync(this HttpClient client, RegisterDocumentRequest request)
    {
        var response = await client.PostAsJsonAsync("/v1/documents", request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<RegisteredDocumentResponse>())!;
    }

    public static Task<RegisteredDocumentResponse> RegisterAsync(
        this HttpClient client, string text, string? cls = null, string? generator = null, params ParentReferenceRequest[] parents) =>
        client.RegisterAsync(new RegisterDocumentRequest(text,
            Declared: cls is null ? null : new DeclaredProvenanceRequest(cls, generator),
            Parents: parents.Length == 0 ? null : parents));

    public static async Task<T> GetJsonAsync<T>(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    /// <summary>
    /// Polls the document until it has a detector assertion (by <paramref name="model"/> when given), for up to 30 s;
    /// on timeout the message carries <paramref name="logs"/> (the hosts' logs), which say why.
    /// </summary>
    public static async Task<DocumentResponse> WaitForDetectorAsync(this HttpClient client, long id, Func<string> logs, string? model = null)
    {
        for (var i = 0; i < 300; i++)
        {
            var doc = await client.GetJsonAsync<DocumentResponse>($"/v1/documents/{id}");
            if (doc.Assertions.Any(a => a.Kind == "detector" && (model is null || a.AssertedBy == model)))
            {
                return doc;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"document {id} got no detector assertion{(model is null ? "" : $" by {model}")} within 30 s.\n{logs()}");
    }

    /// <summary>Reads an RFC 7807 body and checks its status and machine code.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), "a problem needs a detail a person can act on");
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        return problem;
    }
}
