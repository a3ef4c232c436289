using System.Text.RegularExpressions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>Every answer carries the security headers; the API reference page runs only its own nonced scripts, from this host.</summary>
public partial class SecurityHeadersTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Theory]
    [InlineData("/openapi/v1.json", null, 200)]
    [InlineData("/v1/stats", "trainer", 200)]
    [InlineData("/v1/stats", null, 401)]
    [InlineData("/v1/documents/not-a-ref", "trainer", 400)]
    [InlineData("/v1/no-such-route", "trainer", 404)]
    public async Task DataAnswersMayLoadNothingAndCannotBeFramedOrSniffed(string path, string? role, int status)
    {
        using var response = await registry.Client(role).GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", Header(response, "Content-Security-Policy"));
        AssertCommonHeaders(response);
    }

    [Fact]
    public async Task TheReferencePageRunsOnlyItsNoncedScriptsAndLoadsNothingFromElsewhere()
    {
        var client = registry.Client(role: null);

        using var first = await client.GetAsync("/docs/");
        using var second = await client.GetAsync("/docs/");
        var html = await first.Content.ReadAsStringAsync();
        var csp = Header(first, "Content-Security-Policy");

        Assert.True(first.IsSuccessStatusCode);
        AssertCommonHeaders(first);
        var nonce = Assert.Single(NonceInPolicy().Matches(csp)).Groups[1].Value;
        Assert.NotEqual(nonce, NonceInPolicy().Match(Header(second, "Content-Security-Policy")).Groups[1].Value);
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        // Nothing the page loads or is configured with points at another origin: no CDN fonts, scripts or telemetry.
        var elsewhere = ExternalOrigin().Matches(html).Select(m => m.Value).Where(u => !u.StartsWith("http://localhost", StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, $"the page points at {string.Join(", ", elsewhere)}");
        Assert.Contains("\"telemetry\":false", html.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsolePageRunsOnlyItsNoncedScriptFromThisHost()
    {
        var client = registry.Client(role: null);

        using var first = await client.GetAsync("/console/");
        using var second = await client.GetAsync("/console/");
        using var bare = await client.GetAsync("/console");
        var html = await first.Content.ReadAsStringAsync();
        var csp = Header(first, "Content-Security-Policy");
        var script = Assert.Single(ScriptTag().Matches(html)).Value;
        using var asset = await client.GetAsync("/console/" + ScriptSource().Match(script).Groups[1].Value);

        Assert.True(first.IsSuccessStatusCode);
        AssertCommonHeaders(first);
        Assert.Equal("no-store", Header(first, "Cache-Control"));
        var nonce = Assert.Single(NonceInPolicy().Matches(csp)).Groups[1].Value;
        Assert.NotEqual(nonce, NonceInPolicy().Match(Header(second, "Content-Security-Policy")).Groups[1].Value);
        Assert.Contains($"nonce=\"{nonce}\"", script);
        Assert.Empty(ExternalOrigin().Matches(html));
        Assert.True(bare.IsSuccessStatusCode);
        Assert.Equal("/console/", bare.RequestMessage?.RequestUri?.AbsolutePath); // redirected there
        Assert.True(asset.IsSuccessStatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", Header(asset, "Cache-Control"));
    }

    static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from the answer to {response.RequestMessage?.RequestUri}");

    [GeneratedRegex("'nonce-([A-Za-z0-9_\\-+/=]+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script\\b[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("https?://[A-Za-z0-9.\\-]+")]
    private static partial Regex ExternalOrigin();
}
