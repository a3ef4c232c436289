using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Provenance.Contracts.Access;
using Provenance.Testing;

namespace Provenance.Api.Tests.Access;

/// <summary>What a dump of the api_keys table, or the key listing, gives away about the secrets: nothing usable.</summary>
public class KeyStorageTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    async Task<CreatedApiKeyResponse> CreateAsync(string role = "curator")
    {
        var response = await registry.Client("admin").PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"storage-{Guid.NewGuid():N}", role));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
    }

    [Fact]
    public async Task TheListingShowsNoCharacterOfAnySecret()
    {
        var created = await CreateAsync();

        var listed = await registry.Client("admin").GetJsonAsync<List<ApiKeyResponse>>("/v1/keys");

        var secretOfCreated = created.Key[(created.Prefix.Length + 1)..];
        Assert.Equal(created.Prefix + "_" + secretOfCreated, created.Key);
        Assert.Equal(created.Prefix, listed.Single(k => k.Id == created.Id).Prefix);
        var admin = listed.Single(k => k.Name == "admin");
        Assert.Equal("", admin.Prefix);
        foreach (var key in listed)
        {
            Assert.Matches("^(pvk_[0-9a-f]{8})?$", key.Prefix);
        }
    }

    [Fact]
    public async Task GeneratedKeysCarry256RandomBitsBehindAPublicId()
    {
        var created = await CreateAsync();

        var secret = created.Key[(created.Prefix.Length + 1)..];

        Assert.Matches("^pvk_[0-9a-f]{8}$", created.Prefix);
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        var works = await registry.ClientWithKey(created.Key).GetAsync("/v1/stats");
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }

    [Fact]
    public async Task TheBootstrapKeyIsStoredSaltedAndSlowlyHashedNotAsItsSha256()
    {
        var admin = registry.Client("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/stats")).StatusCode);

        var stored = await registry.ScalarAsync<byte[]>("SELECT key_hash FROM api_keys WHERE name = 'admin'");
        var salt = await registry.ScalarAsync<byte[]>("SELECT key_salt FROM api_keys WHERE name = 'admin'");

        Assert.NotEqual(SHA256.HashData(Encoding.UTF8.GetBytes(RegistryFixture.AdminKey)), stored);
        Assert.Equal(16, salt.Length);
        Assert.Equal(0, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to(@k, 'UTF8')) OR position(@k in prefix) > 0",
            ("k", RegistryFixture.AdminKey)));
    }

    [Theory]
    [InlineData("crawler\u200Bone", "U+200B")]
    [InlineData("crawler\u200Done", "U+200D")]
    [InlineData("\uFEFFcrawler", "U+FEFF")]
    [InlineData("crawler\u202Eeno", "U+202E")]
    [InlineData("crawler\u2066one\u2069", "U+2066")]
    [InlineData("crawler\u200Eone", "U+200E")]
    [InlineData("crawler\u0007one", "U+0007")]
    [InlineData("crawler\u2028one", "U+2028")]
    public async Task LookAlikeKeyNamesAreRefusedNamingTheField(string name, string codePoint)
    {
        var response = await registry.Client("admin").PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest(name, "crawler"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid_key_name");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("name ", detail);
        Assert.Contains(codePoint, detail);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE name = @n", ("n", name)));
    }
}
