using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Provenance.Data;

/// <summary>
/// The one way the registry's schema is brought up to date: the API at start, the benchmarks and the tests all migrate
/// through <see cref="MigrateAsync"/>, which hands the migrations the number of partitions (<see cref="Partitioning"/>)
/// and refuses a database built with another number.
/// </summary>
public static class RegistrySchema
{
    /// <summary>
    /// Applies the pending migrations, with <paramref name="partitions"/> hash partitions per hot table (1: plain
    /// tables). Returns the migrations applied.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database was built with another number of partitions.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(RegistryDbContext db, int partitions, string settingName, CancellationToken ct)
    {
        // On a fresh database EF would query the missing history table and log that failure as an error.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await CheckPartitionsAsync(db, partitions, settingName, ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0)
        {
            return pending;
        }
        // The migrations read the number from a session setting, so they run on one connection that carries it.
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        try
        {
            await ExecuteAsync(connection, $"SELECT set_config('{Partitioning.Setting}', '{partitions.ToString(CultureInfo.InvariantCulture)}', false)", ct);
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            // Pooled connections keep session state (RegistryDatabase): this one must not carry it elsewhere.
            await ExecuteAsync(connection, $"RESET {Partitioning.Setting}", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
        return pending;
    }

    /// <summary>The number of partitions the database was built with; null before the migrations recorded one.</summary>
    public static async Task<int?> PartitionsAsync(RegistryDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (await ScalarAsync(connection, "SELECT to_regclass('registry_settings') IS NOT NULL", ct) is not true)
            {
                return null;
            }
            return await ScalarAsync(connection, "SELECT value::int FROM registry_settings WHERE name = 'partitions'", ct) as int?;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Refuses to go on when the database was built with another number of partitions than <paramref name="partitions"/>
    /// (<paramref name="settingName"/> is the setting that configures it, for the message).
    /// </summary>
    public static async Task CheckPartitionsAsync(RegistryDbContext db, int partitions, string settingName, CancellationToken ct)
    {
        if (await PartitionsAsync(db, ct) is { } built && built != partitions)
        {
            throw new InvalidOperationException(
                $"{settingName} is {partitions}, but this database was built with {built} partition(s) per table. Set {settingName} to {built}; "
                + "a database cannot be repartitioned in place: to change the number, register into a new database (docs/operations.md, Database:Partitions).");
        }
    }

    static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct);
    }
}
