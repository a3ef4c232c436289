using Npgsql;
using Provenance.Testing;

namespace Provenance.Api.Tests.Access;

public sealed class BootstrapKeyTests : IAsyncLifetime
{
    string _database = "";

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync("provenance_bootstrap");

    public async ValueTask DisposeAsync() => await TestDatabase.DropAsync(_database);

    [Theory]
    [InlineData("correct-horse-battery")]
    [InlineData("  0123456789012345678901234567890  ")]
    public async Task AShortBootstrapKeyStopsTheProcessNamingTheVariableBeforeAnythingIsWritten(string adminKey)
    {
        var error = await Record.ExceptionAsync(() => ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["Detection:InProcess"] = "false",
            ["PROVENANCE_ADMIN_KEY"] = adminKey,
        }));

        Assert.NotNull(error);
        Assert.Contains("the API process exited", error.Message);
        Assert.Contains("PROVENANCE_ADMIN_KEY has", error.Message);
        Assert.Contains("at least 32", error.Message);
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var cmd = dataSource.CreateCommand("SELECT to_regclass('api_keys') IS NULL");
        Assert.True((bool)(await cmd.ExecuteScalarAsync())!, "the migrations ran although the start was refused");
    }
}
