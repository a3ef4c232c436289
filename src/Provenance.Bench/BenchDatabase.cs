using Microsoft.EntityFrameworkCore;
using Npgsql;
using Provenance.Data;

namespace Provenance.Bench;

/// <summary>The database chores every benchmark shares: the schema, and statements whose result is not a figure.</summary>
public static class BenchDatabase
{
    /// <summary>The registry's schema with <paramref name="partitions"/> hash partitions per hot table (1: plain tables).</summary>
    public static async Task MigrateAsync(string connection, int partitions, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        options.UseRegistry(connection);
        await using var db = new RegistryDbContext(options.Options);
        await RegistrySchema.MigrateAsync(db, partitions, "--partitions", ct);
    }

    /// <summary>
    /// A data source for seeding: set-up, not a figure. On a busy machine finishing a COPY of millions of rows can
    /// outlast the registry's command timeout, so it runs without one.
    /// </summary>
    public static async Task<NpgsqlDataSource> SeedingAsync(string connection, CancellationToken ct)
    {
        var dataSource = RegistryDatabase.CreateDataSource(new NpgsqlConnectionStringBuilder(connection) { CommandTimeout = 0 }.ConnectionString);
        await dataSource.ReloadTypesAsync(ct);
        return dataSource;
    }

    public static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        return await cmd.ExecuteScalarAsync(ct);
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
