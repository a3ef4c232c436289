using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Provenance.Data.OpenLineage;
using Provenance.Testing;

namespace Provenance.Data.Tests.Delivery;

/// <summary>The migration that made the OpenLineage outbox everyone's keeps what was waiting in it, both ways.</summary>
public class OutboxMigrationTests
{
    [Fact]
    public async Task SharingTheOutboxKeepsTheOpenLineageEventsWaitingInItAndUndoingItPutsThemBack()
    {
        var connectionString = await TestDatabase.CreateAsync("provenance_outbox_migration");
        try
        {
            var options = new DbContextOptionsBuilder<RegistryDbContext>();
            options.UseRegistry(connectionString);
            await using var db = new RegistryDbContext(options.Options);
            var migrator = db.GetService<IMigrator>();
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var run = Guid.CreateVersion7();
            await migrator.MigrateAsync("AddLineageOutbox");
            await using (var insert = dataSource.CreateCommand("INSERT INTO lineage_outbox (run_id, event_type, payload, attempts) VALUES (@run, 'START', '{}', 3)"))
            {
                insert.Parameters.AddWithValue("run", run);
                await insert.ExecuteNonQueryAsync();
            }

            await migrator.MigrateAsync();
            await using (var conn = await dataSource.OpenConnectionAsync())
            {
                await LineageOutbox.AddAsync(conn, run, RunEvents.Complete, "{}", CancellationToken.None);
                await LineageOutbox.AddAsync(conn, run, RunEvents.Fail, "{}", CancellationToken.None);
            }
            var shared = await TextAsync(dataSource, "SELECT string_agg(concat_ws(' ', id, destination, event_type, attempts), ', ' ORDER BY id) FROM outbox");
            await migrator.MigrateAsync("AddLineageOutbox");
            var undone = await TextAsync(dataSource, "SELECT string_agg(concat_ws(' ', id, event_type, attempts), ', ' ORDER BY id) FROM lineage_outbox");

            Assert.Equal("1 openlineage START 3, 2 openlineage COMPLETE 0", shared);
            Assert.Equal("1 START 3, 2 COMPLETE 0", undone);
        }
        finally
        {
            await TestDatabase.DropAsync(connectionString);
        }
    }

    static async Task<string> TextAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
