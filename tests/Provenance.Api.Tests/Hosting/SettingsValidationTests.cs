using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using Provenance.Data;
using Provenance.Detection;
using Provenance.Detector.Scoring;
using Provenance.Messaging;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// Every configuration section the API binds is checked as it starts, before it migrates or serves anything: a bad
/// value, one that does not parse, or a malformed connection string stops the start with the full key in the message.
/// </summary>
public sealed class SettingsValidationTests : IAsyncLifetime
{
    const string Password = "not-to-be-quoted";
    string _database = "";

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync("provenance_settings");

    public async ValueTask DisposeAsync() => await TestDatabase.DropAsync(_database);

    Exception? Start(Dictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["Detection:InProcess"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        using var factory = ApiHost.Create(all, configure);
        return Record.Exception(() => factory.Server);
    }

    async Task<bool> MigratedAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var cmd = dataSource.CreateCommand("SELECT to_regclass('documents') IS NOT NULL");
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ABadSettingStopsTheStartNamingTheKeyBeforeTheMigrationsRun()
    {
        var error = Start(new() { ["Registry:MaxBatchSize"] = "0", ["Bus:Prefetch"] = "70000", ["Database:Partitions"] = "0" });

        var messages = BoundSettings.Messages(error);
        Assert.Contains("Registry:MaxBatchSize is 0; it must be between 1 and 100,000", messages);
        Assert.Contains("Bus:Prefetch is 70000; it must be between 1 and 65,535", messages);
        Assert.Contains("Database:Partitions is 0; it must be between 1 and 256", messages);
        Assert.False(await MigratedAsync(), "the migrations ran although the settings were refused");
    }

    [Fact]
    public async Task BadOpenLineageSettingsStopTheStartNamingEachKey()
    {
        var error = Start(new()
        {
            ["OpenLineage:Url"] = "ftp://marquez:5000",
            ["OpenLineage:File"] = "lineage.ndjson",
            ["OpenLineage:MinRetryDelay"] = "00:00:10",
            ["OpenLineage:MaxRetryDelay"] = "00:00:05",
        });

        var messages = BoundSettings.Messages(error);
        Assert.Contains("OpenLineage:Url is 'ftp://marquez:5000'; it must be an absolute http or https URL", messages);
        Assert.Contains("OpenLineage:File is 'lineage.ndjson' while OpenLineage:Url is set too", messages);
        Assert.Contains("OpenLineage:MaxRetryDelay is 00:00:05, shorter than OpenLineage:MinRetryDelay (00:00:10)", messages);
        Assert.False(await MigratedAsync(), "the migrations ran although the settings were refused");
    }

    [Fact]
    public void ADatabaseBuiltWithOneNumberOfPartitionsStopsAnApiConfiguredForAnother()
    {
        Assert.Null(Start(new() { ["Database:Partitions"] = "1" }));

        var error = Start(new() { ["Database:Partitions"] = "2" });

        Assert.NotNull(error);
        Assert.Contains("Database:Partitions is 2, but this database was built with 1 partition(s) per table", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Registry:MaxTextBytes", "a megabyte")]
    [InlineData("Bus:ConcurrentBatches", "two")]
    [InlineData("Database:MigrateOnStartup", "yes please")]
    public async Task ASettingThatDoesNotParseStopsTheStartNamingTheKey(string key, string value)
    {
        var error = Start(new() { [key] = value });

        Assert.Contains($"'{key}'", BoundSettings.Messages(error));
        Assert.False(await MigratedAsync(), "the migrations ran although the settings were refused");
    }

    [Theory]
    [InlineData($"Host=127.0.0.1;Port=five;Password={Password}", "ConnectionStrings:Registry is not a PostgreSQL connection string")]
    [InlineData($"Server Name=127.0.0.1;Password={Password}", "ConnectionStrings:Registry is not a PostgreSQL connection string")]
    [InlineData($"Database=provenance;Password={Password}", "ConnectionStrings:Registry names no Host")]
    public void AMalformedDatabaseConnectionStringStopsTheStartNamingTheKeyWithoutQuotingIt(string connectionString, string expected)
    {
        var error = Start(new() { ["ConnectionStrings:Registry"] = connectionString });

        var messages = BoundSettings.Messages(error);
        Assert.Contains(expected, messages);
        Assert.DoesNotContain(Password, messages);
    }

    [Fact]
    public void AMalformedBrokerUriStopsTheStartNamingTheKeyWithoutItsPassword()
    {
        var error = Start(new() { ["ConnectionStrings:Broker"] = $"amqp://guest:{Password}@/" });

        var messages = BoundSettings.Messages(error);
        Assert.Contains("ConnectionStrings:Broker is not a broker URI", messages);
        Assert.DoesNotContain(Password, messages);
    }

    [Fact]
    public async Task EveryOptionsTypeIsBoundAndCheckedAsTheApiStarts()
    {
        IReadOnlyList<Type> bound = [];

        // The detector in process, so that its section is bound too.
        var error = Start(new() { ["Detection:InProcess"] = "true" },
            b => b.ConfigureTestServices(services => bound = BoundSettings.RefuseAll(services)));

        var messages = BoundSettings.Messages(error);
        var everyType = BoundSettings.OptionsTypes(typeof(Api.Hosting.RegistryOptions).Assembly, typeof(DetectionOptions).Assembly,
            typeof(DetectorOptions).Assembly, typeof(BrokerAddress).Assembly, typeof(RegistryDatabase).Assembly);
        Assert.NotEmpty(everyType);
        Assert.All(everyType, t => Assert.Contains(t, bound));
        Assert.All(bound, t => Assert.Contains(BoundSettings.Refusal(t), messages));
        Assert.False(await MigratedAsync(), "the migrations ran although the settings were refused");
    }
}
