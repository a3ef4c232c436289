using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Contracts.Access;
using Provenance.Data;
using Provenance.Data.Registration;
using Provenance.Domain.Documents;

namespace Provenance.Testing;

/// <summary>
/// The registry as deploy/scripts/run.sh starts it: the API's own process, given the three settings the script gives
/// it (the database, migrations at start, the admin key) and nothing else, so the bus runs in process, there is no
/// broker, and every other setting is at its default. Started once for a test class.
/// </summary>
public sealed class EmbeddedRegistryFixture : IAsyncLifetime
{
    ApiProcess? _api;
    readonly Dictionary<string, string> _keys = [];

    public string ConnectionString { get; private set; } = "";

    public ApiProcess Api => _api ?? throw new InvalidOperationException("fixture not initialized");

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("provenance_embedded");
        _api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = ConnectionString,
            ["Database:MigrateOnStartup"] = "true",
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
        });
        _keys["admin"] = RegistryFixture.AdminKey;
        using var admin = Client("admin");
        foreach (var role in new[] { "crawler", "curator" })
        {
            var response = await admin.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"test-{role}", role));
            response.EnsureSuccessStatusCode();
            _keys[role] = (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;
        }
    }

    /// <summary>An HTTP client to the process, holding the key of <paramref name="role"/> (crawler, curator, admin).</summary>
    public HttpClient Client(string role)
    {
        var client = new HttpClient { BaseAddress = Api.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", _keys[role]);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>
    /// Registers texts straight into the database, past the API, as documents registered before a detector ran would
    /// be: nobody has asked for their classification.
    /// </summary>
    public async Task<IReadOnlyList<long>> RegisterBehindTheApiAsync(params string[] texts)
    {
        await using var dataSource = RegistryDatabase.CreateDataSource(ConnectionString);
        var writer = new RegistrationWriter(dataSource, new SubmissionLimits(), TimeProvider.System, NullLogger<RegistrationWriter>.Instance);
        var results = await writer.RegisterAsync([.. texts.Select(t => new DocumentSubmission(t))], "backfill", CancellationToken.None);
        return [.. results.Select(r => r.Id!.Value)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        if (ConnectionString.Length > 0)
        {
            await TestDatabase.DropAsync(ConnectionString);
        }
    }
}
