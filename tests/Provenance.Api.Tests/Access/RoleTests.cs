using System.Net;
using System.Net.Http.Json;
using Provenance.Testing;
using Provenance.Contracts.Access;
using Provenance.Contracts.Documents;

namespace Provenance.Api.Tests.Access;

public class RoleTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    public enum Call
    {
        Register,
        RegisterBatch,
        ReadDocument,
        ReadLineage,
        ReadStats,
        Assert,
        ListKeys,
        CreateKey,
    }

    async Task<HttpResponseMessage> SendAsync(HttpClient client, Call call)
    {
        var doc = await registry.Client("admin").RegisterAsync(TestDocuments.UniqueText());
        return call switch
        {
            Call.Register => await client.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(TestDocuments.UniqueText())),
            Call.RegisterBatch => await client.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest([new(TestDocuments.UniqueText())])),
            Call.ReadDocument => await client.GetAsync($"/v1/documents/{doc.Id}"),
            Call.ReadLineage => await client.GetAsync($"/v1/documents/{doc.Id}/ancestors"),
            Call.ReadStats => await client.GetAsync("/v1/stats"),
            Call.Assert => await client.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new { @class = "human" }),
            Call.ListKeys => await client.GetAsync("/v1/keys"),
            Call.CreateKey => await client.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"k-{Guid.NewGuid():N}", "crawler")),
            _ => throw new ArgumentOutOfRangeException(nameof(call)),
        };
    }

    public static TheoryData<string, Call, bool> Matrix()
    {
        var allowed = new Dictionary<string, Call[]>
        {
            ["crawler"] = [Call.Register, Call.RegisterBatch],
            ["curator"] = [Call.ReadDocument, Call.ReadLineage, Call.ReadStats, Call.Assert],
            ["trainer"] = [Call.ReadDocument, Call.ReadLineage, Call.ReadStats],
            ["admin"] = Enum.GetValues<Call>(),
        };
        var data = new TheoryData<string, Call, bool>();
        foreach (var (role, calls) in allowed)
        {
            foreach (var call in Enum.GetValues<Call>())
            {
                data.Add(role, call, calls.Contains(call));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachRoleMayDoExactlyWhatItsRoleAllows(string role, Call call, bool allowed)
    {
        var response = await SendAsync(registry.Client(role), call);

        if (allowed)
        {
            Assert.True(response.IsSuccessStatusCode, $"{role} {call}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            var problem = await response.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains($"has the role {role}", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("/v1/stats")]
    [InlineData("/v1/documents/1")]
    [InlineData("/v1/keys")]
    [InlineData("/v1/generators")]
    public async Task EveryEndpointButHealthNeedsAKey(string url)
    {
        var response = await registry.Client(role: null).GetAsync(url);

        await response.ProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task HealthNeedsNoKey()
    {
        var response = await registry.Client(role: null).GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownKeyIsRefused()
    {
        var response = await registry.ClientWithKey("pvk_not-a-real-key").GetAsync("/v1/stats");

        await response.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task ARevokedKeyStopsWorkingAtOnce()
    {
        var admin = registry.Client("admin");
        var created = (await (await admin.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"short-lived-{Guid.NewGuid():N}", "trainer")))
            .Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
        var client = registry.ClientWithKey(created.Key);
        var before = await client.GetAsync("/v1/stats");

        await admin.DeleteAsync($"/v1/keys/{created.Id}");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await (await client.GetAsync("/v1/stats")).ProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        var listed = await admin.GetJsonAsync<List<ApiKeyResponse>>("/v1/keys");
        Assert.NotNull(listed.Single(k => k.Id == created.Id).RevokedAt);
    }

    [Fact]
    public async Task KeysAreStoredOnlyAsHashes()
    {
        var created = (await (await registry.Client("admin").PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"hashed-{Guid.NewGuid():N}", "curator")))
            .Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;

        var stored = await registry.ScalarAsync<byte[]>("SELECT key_hash FROM api_keys WHERE id = @id", ("id", created.Id));

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Key)), stored);
        Assert.Equal(0, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM api_keys WHERE position(convert_to(@k, 'UTF8') in key_hash) > 0 OR prefix = @k", ("k", created.Key)));
        Assert.StartsWith("pvk_", created.Key);
    }

    [Fact]
    public async Task KeyManagementRejectsBadRequestsWithReasons()
    {
        var admin = registry.Client("admin");

        var badRole = await admin.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest("someone", "superuser"));
        var duplicate = await admin.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest("test-crawler", "crawler"));
        var missing = await admin.DeleteAsync("/v1/keys/999999");

        await badRole.ProblemAsync(HttpStatusCode.BadRequest, "invalid_role");
        await duplicate.ProblemAsync(HttpStatusCode.Conflict, "duplicate_key_name");
        await missing.ProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
