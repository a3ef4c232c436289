using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Contracts.Access;
using Provenance.Data.Documents;

namespace Provenance.Testing;

/// <summary>
/// The API host on a real PostgreSQL database of its own, built by the migrations, with one key per role.
/// </summary>
public class RegistryFixture : IAsyncLifetime
{
    public const string AdminKey = "pvk_test_admin_key_0123456789abcdef";

    WebApplicationFactory<Program>? _factory;
    readonly Dictionary<string, string> _keys = [];

    public string ConnectionString { get; private set; } = "";

    /// <summary>What the host logged, for failure messages.</summary>
    public LogSink Log { get; } = new();

    /// <summary>Configuration the host starts with; subclasses add to it.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>
    /// Whether the API runs the detector in process (<c>Detection:InProcess</c>; without a broker it then classifies every
    /// undeclared document). Off here: tests assert on the assertion histories they write, and a detector adding verdicts
    /// in the background would race with them (and load a model into every test host). The in-process detector has
    /// tests of its own, on the API as the run command starts it.
    /// </summary>
    protected virtual bool DetectorInProcess => false;

    /// <summary>
    /// Whether the host listens on a TCP port of 127.0.0.1 (Kestrel) instead of answering in memory: what a browser
    /// driven by a test needs. Its address is then <see cref="Address"/>.
    /// </summary>
    protected virtual bool ListensOnTcp => false;

    /// <summary>Where the host listens when <see cref="ListensOnTcp"/>.</summary>
    public Uri Address { get; private set; } = new("http://localhost/");

    /// <summary>Changes to the host beyond its settings (services, middleware); subclasses add to it.</summary>
    protected virtual void ConfigureHost(IWebHostBuilder builder)
    {
    }

    public IServiceProvider Services => Factory.Services;

    WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("fixture not initialized");

    public virtual async ValueTask InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("provenance_test");
        var settings = new Dictionary<string, string?> { ["Detection:InProcess"] = DetectorInProcess ? "true" : "false" };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        settings["ConnectionStrings:Registry"] = ConnectionString;
        settings["Database:MigrateOnStartup"] = "true";
        settings["PROVENANCE_ADMIN_KEY"] = AdminKey;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.ConfigureLogging(l => l.AddProvider(Log));
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            ConfigureHost(b);
        });
        // Start the host: migrations and the bootstrap key run now.
        if (ListensOnTcp)
        {
            _factory.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
            _factory.StartServer();
            Address = new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        }
        else
        {
            _ = Factory.Server;
        }
        _keys["admin"] = AdminKey;
        using var admin = Client("admin");
        foreach (var role in new[] { "crawler", "curator", "trainer" })
        {
            var response = await admin.PostAsJsonAsync("/v1/keys", new CreateApiKeyRequest($"test-{role}", role));
            response.EnsureSuccessStatusCode();
            _keys[role] = (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;
        }
    }

    /// <summary>An HTTP client holding the key of <paramref name="role"/> (crawler, curator, trainer, admin), or none.</summary>
    public HttpClient Client(string? role = "admin")
    {
        var client = Factory.CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", _keys[role]);
        }
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>The secret of the fixture's key for <paramref name="role"/>.</summary>
    public string Key(string role) => _keys[role];

    /// <summary>A handler that sends requests straight into the in-process host.</summary>
    public HttpMessageHandler CreateHandler() => Factory.Server.CreateHandler();

    public HttpClient ClientWithKey(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Runs a query straight against the test database, to check what was (not) written.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Makes everything registered so far searchable by its words: runs the host's search indexer once, after any pass
    /// already running, instead of waiting for its next poll.
    /// </summary>
    public async Task IndexSearchAsync() => await GetService<SearchIndexer>().RunAsync(1_000, wait: true, CancellationToken.None);

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (ConnectionString.Length > 0)
        {
            await TestDatabase.DropAsync(ConnectionString);
        }
        GC.SuppressFinalize(this);
    }
}
