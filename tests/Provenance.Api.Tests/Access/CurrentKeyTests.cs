using System.Net;
using Provenance.Contracts.Access;
using Provenance.Testing;

namespace Provenance.Api.Tests.Access;

/// <summary><c>GET /v1/keys/me</c>: any key may ask who it is and what its role may do.</summary>
public sealed class CurrentKeyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Theory]
    [InlineData("crawler", "test-crawler", new[] { "register" })]
    [InlineData("curator", "test-curator", new[] { "read", "assert" })]
    [InlineData("trainer", "test-trainer", new[] { "read", "assemble_datasets" })]
    [InlineData("admin", "admin", new[] { "register", "read", "assert", "assemble_datasets", "manage_keys", "manage_webhooks" })]
    public async Task EveryKeySeesItsNameRoleAndPermissions(string role, string name, string[] permissions)
    {
        var me = await registry.Client(role).GetJsonAsync<CurrentApiKeyResponse>("/v1/keys/me");

        Assert.Equal((name, role), (me.Name, me.Role));
        Assert.Equal(permissions, me.Permissions);
    }

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401()
    {
        var response = await registry.Client(role: null).GetAsync("/v1/keys/me");

        await response.ProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
    }
}
