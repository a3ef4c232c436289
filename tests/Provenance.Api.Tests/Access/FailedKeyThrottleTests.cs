using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Contracts.Access;
using Provenance.Testing;

namespace Provenance.Api.Tests.Access;

/// <summary>The registry with a low failed-key limit, whose test server takes the client's address from a header.</summary>
public sealed class ThrottledRegistryFixture : RegistryFixture
{
    public const int MaxFailedKeys = 5;
    public const string AddressHeader = "X-Test-Client-Address";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Access:MaxFailedKeys"] = MaxFailedKeys.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Access:FailedKeyWindowSeconds"] = "600",
    };

    protected override void ConfigureHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, AddressFromHeader>());

    /// <summary>A client with <paramref name="key"/> that comes from <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address, string key)
    {
        var client = ClientWithKey(key);
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    // The test server has no connections, so no client address; this stands in for one.
    sealed class AddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(AddressHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public class FailedKeyThrottleTests(ThrottledRegistryFixture registry) : IClassFixture<ThrottledRegistryFixture>
{
    async Task<string> NewKeyAsync()
    {
        var response = await registry.Client("admin").PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"throttle-{Guid.NewGuid():N}", "trainer"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;
    }

    [Fact]
    public async Task RepeatedBadKeysFromOneAddressGet429WhileGoodKeysStillWork()
    {
        var verified = registry.ClientFrom("203.0.113.7", await NewKeyAsync());
        Assert.Equal(HttpStatusCode.OK, (await verified.GetAsync("/v1/stats")).StatusCode);
        var neverUsed = await NewKeyAsync();
        var failures = new List<HttpStatusCode>();

        for (var i = 0; i < ThrottledRegistryFixture.MaxFailedKeys; i++)
        {
            failures.Add((await registry.ClientFrom("203.0.113.7", $"pvk_guess_{i}").GetAsync("/v1/stats")).StatusCode);
        }
        var throttled = await registry.ClientFrom("203.0.113.7", "pvk_guess_again").GetAsync("/v1/stats");

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        var problem = await throttled.ProblemAsync(HttpStatusCode.TooManyRequests, "too_many_failed_keys");
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
        Assert.InRange(throttled.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 600);
        // A key verified before goes on working from the throttled address, and every key works from other addresses.
        Assert.Equal(HttpStatusCode.OK, (await verified.GetAsync("/v1/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await registry.ClientFrom("198.51.100.1", neverUsed).GetAsync("/v1/stats")).StatusCode);
        await (await registry.ClientFrom("198.51.100.2", "pvk_guess_elsewhere").GetAsync("/v1/stats"))
            .ProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task AThrottledAddressIsAnsweredWithoutLookingItsKeysUp()
    {
        var neverUsed = await NewKeyAsync();
        for (var i = 0; i < ThrottledRegistryFixture.MaxFailedKeys; i++)
        {
            await registry.ClientFrom("2001:db8:1:2::10", $"pvk_guess_{i}").GetAsync("/v1/stats");
        }

        // Another address in the same /64: a lookup would have found this key, so a 429 shows there was none.
        var response = await registry.ClientFrom("2001:db8:1:2::99", neverUsed).GetAsync("/v1/stats");

        await response.ProblemAsync(HttpStatusCode.TooManyRequests, "too_many_failed_keys");
    }

    [Fact]
    public async Task EndpointsWithoutAKeyAnswerAThrottledAddress()
    {
        for (var i = 0; i < ThrottledRegistryFixture.MaxFailedKeys; i++)
        {
            await registry.ClientFrom("192.0.2.55", $"pvk_guess_{i}").GetAsync("/v1/stats");
        }

        var health = await registry.ClientFrom("192.0.2.55", "pvk_guess").GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
