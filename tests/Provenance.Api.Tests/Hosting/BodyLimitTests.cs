using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// A body over Registry:MaxRequestBytes is refused by Kestrel itself (a real process: the test server has no such
/// limit), and the answer is still a problem with a detail and a code, on every endpoint that takes a body.
/// </summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    string _database = "";
    ApiProcess? _api;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("provenance_limits");
        _api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
            ["Registry:MaxRequestBytes"] = "65536",
            ["Detection:InProcess"] = "false",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        await TestDatabase.DropAsync(_database);
    }

    [Theory]
    [InlineData("/v1/documents")]
    [InlineData("/v1/documents/batch")]
    [InlineData("/v1/detection/requests")]
    [InlineData("/v1/datasets")]
    public async Task ABodyOverTheLimitIsRefusedWithAProblemThatSaysWhich(string path)
    {
        using var client = new HttpClient { BaseAddress = _api!.Url };
        client.DefaultRequestHeaders.Add("X-Api-Key", RegistryFixture.AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var body = $$"""{"text": "{{new string('a', 100_000)}}"}""";

        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        Assert.Contains("Registry:MaxRequestBytes", problem.GetProperty("detail").GetString());
    }
}
