using System.Net;
using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>The API's probes: liveness asks nothing, readiness names every dependency it checked.</summary>
public sealed class HealthTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task LivenessAnswersWithoutAKeyAndChecksNoDependency()
    {
        var (status, body) = await GetAsync(registry.Client(role: null), "/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    public async Task ReadinessNamesTheDatabaseAndTheBusWithTheirStatus(string path)
    {
        var (status, body) = await GetAsync(registry.Client(role: null), path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("bus").GetProperty("status").GetString());
        // This fixture runs no detector in process, so there is no model to check.
        Assert.False(checks.TryGetProperty("detector", out _));
    }
}
