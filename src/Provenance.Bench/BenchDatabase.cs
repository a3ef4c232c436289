using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Provenance.Data;
using Provenance.Data.Documents;

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

    /// <summary>
    /// Waits until the API's search indexer has indexed the documents registered so far, so that what is timed next
    /// runs on a registry at rest rather than beside the indexer, which takes one of this machine's 2 cores while it
    /// catches up. Gives up, saying so, when the backlog stops shrinking for a minute: no indexer is running.
    /// </summary>
    public static async Task SearchIndexedAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var indexer = new SearchIndexer(dataSource);
        var (backlog, since) = (await indexer.BacklogAsync(ct), Stopwatch.StartNew());
        var (first, waited) = (backlog, Stopwatch.StartNew());
        while (backlog > 0 && since.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var now = await indexer.BacklogAsync(ct);
            if (now < backlog)
            {
                since.Restart();
            }
            backlog = now;
        }
        Report.Line("search index", $"{first:N0} registered documents waiting at first",
            backlog == 0 ? string.Create(CultureInfo.InvariantCulture, $"all indexed in {waited.Elapsed.TotalSeconds:N1} s") : $"{backlog:N0} still waiting",
            backlog == 0 ? "what follows is timed on a registry at rest" : "NO INDEXER RAN for a minute: what follows is timed beside the backlog");
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
