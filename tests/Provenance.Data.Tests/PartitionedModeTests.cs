using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Data.Registration;
using Provenance.Domain.Documents;
using Provenance.Testing;

namespace Provenance.Data.Tests;

/// <summary>
/// The partitioned mode (Database:Partitions) on a database of its own, whatever mode the rest of the suite runs in:
/// the migrations really build partitioned tables, the database keeps its mode, and the content hash stays unique
/// across partitions.
/// </summary>
public sealed class PartitionedModeTests : IAsyncLifetime
{
    const int Partitions = 4;
    string _connectionString = "";
    NpgsqlDataSource? _dataSource;

    NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("not initialized");

    public async ValueTask InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("provenance_partitioned");
        await using var db = Context();
        await RegistrySchema.MigrateAsync(db, Partitions, "Database:Partitions", CancellationToken.None);
        _dataSource = RegistryDatabase.CreateDataSource(_connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await TestDatabase.DropAsync(_connectionString);
    }

    RegistryDbContext Context()
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        options.UseRegistry(_connectionString);
        return new RegistryDbContext(options.Options);
    }

    [Fact]
    public async Task EveryHotTableIsHashPartitionedOnItsColumnIntoTheConfiguredNumberOfPartitions()
    {
        var expected = new List<string>();
        var actual = new List<string>();
        foreach (var (table, column) in Partitioning.Tables)
        {
            await using var cmd = DataSource.CreateCommand("""
                SELECT p.partstrat::text, a.attname::text,
                       (SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = p.partrelid)
                  FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
                 WHERE p.partrelid = to_regclass(@t)
                """);
            cmd.Parameters.AddWithValue("t", table);
            if (await ScalarAsync<bool>($"SELECT to_regclass('{table}') IS NULL"))
            {
                continue;
            }
            await using var reader = await cmd.ExecuteReaderAsync();
            expected.Add($"{table}: h {column} {string.Join(',', Enumerable.Range(0, Partitions).Select(i => Partitioning.PartitionName(table, i)).Order(StringComparer.Ordinal))}");
            actual.Add(await reader.ReadAsync() ? $"{table}: {reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}" : $"{table}: not partitioned");
        }

        Assert.Equal(expected, actual);
        Assert.Equal("pk_documents_p3 ix_document_search_vector_p0", await ScalarAsync<string>(
            "SELECT concat_ws(' ', to_regclass('pk_documents_p3'), to_regclass('ix_document_search_vector_p0'))"));
        Assert.Equal(Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await ScalarAsync<string>("SELECT value FROM registry_settings WHERE name = 'partitions'"));
    }

    [Fact]
    public async Task ADatabaseBuiltWithOneNumberOfPartitionsRefusesAnother()
    {
        await using var db = Context();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RegistrySchema.MigrateAsync(db, 1, "Database:Partitions", CancellationToken.None));

        Assert.Contains("Database:Partitions is 1, but this database was built with 4 partition(s)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await RegistrySchema.MigrateAsync(db, Partitions, "Database:Partitions", CancellationToken.None));
    }

    [Fact]
    public async Task TheSameTextRegisteredConcurrentlyIsOneDocument()
    {
        var texts = Enumerable.Range(0, 500).Select(i => TestDocuments.UniqueText($"partitioned race {i}")).ToList();
        List<DocumentSubmission> Batch(string site) => [.. texts.Select((t, i) => new DocumentSubmission(t, $"https://{site}.example/{i}", null))];
        RegistrationWriter Writer(bool direct) =>
            new(DataSource, new SubmissionLimits(), TimeProvider.System, NullLogger<RegistrationWriter>.Instance) { DirectCopyOfNewDocuments = direct };

        var runs = await Task.WhenAll(
            Task.Run(() => Writer(direct: true).RegisterAsync(Batch("one"), "crawler-one", default)),
            Task.Run(() => Writer(direct: false).RegisterAsync(Batch("two"), "crawler-two", default)),
            Task.Run(() => Writer(direct: true).RegisterAsync(Batch("three"), "crawler-three", default)));

        Assert.Equal(texts.Count, await ScalarAsync<long>("SELECT count(*) FROM documents"));
        Assert.Equal(texts.Count, await ScalarAsync<long>("SELECT count(*) FROM document_hashes h JOIN documents d ON d.id = h.document_id AND d.content_hash = h.content_hash"));
        Assert.Equal(3L * texts.Count, await ScalarAsync<long>("SELECT count(*) FROM sightings"));
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Single(runs, r => r[i].Status == RegistrationStatus.Created);
            Assert.Single(runs.Select(r => r[i].Id).Distinct());
        }
    }

    [Fact]
    public async Task TheStagedMergeReachesTheRegistrysTablesOnlyByLookupsOfItsOwnRows()
    {
        // Without nested loops and sequential scans the planner takes a whole-table plan wherever a statement's form
        // allows one: a join of staged rows to a registry table then hashes or merges a full index scan of every
        // partition, as it chose to at a million documents (docs/scale-out.md).
        string[] registryTables = ["documents", "document_hashes", "assertions"];
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await StagedMerge.CreateStagingAsync(conn, default);
        await using (var settings = new NpgsqlCommand("SET LOCAL enable_nestloop = off; SET LOCAL enable_seqscan = off", conn))
        {
            await settings.ExecuteNonQueryAsync();
        }

        var wholeTableScans = new List<string>();
        foreach (var sql in StagedMerge.Statements.SelectMany(s => s.Split(";\n")))
        {
            await using var cmd = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) {sql}", conn);
            if (sql.Contains("@h", StringComparison.Ordinal))
            {
                cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", [[1, 2, 3]]));
            }
            using var plan = JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync())!);
            wholeTableScans.AddRange(Nodes(plan.RootElement[0].GetProperty("Plan"))
                .Where(n => n.TryGetProperty("Relation Name", out var r) && registryTables.Any(t => Partitioning.IsTableOrPartition(r.GetString(), t))
                            && n.GetProperty("Node Type").GetString() != "ModifyTable"
                            && !n.TryGetProperty("Index Cond", out _) && !n.TryGetProperty("Recheck Cond", out _))
                .Select(n => $"{n.GetProperty("Node Type")} on {n.GetProperty("Relation Name")} in: {sql.Trim().Split('\n')[0]}"));
        }

        Assert.True(wholeTableScans.Count == 0, "whole-table scans:\n" + string.Join('\n', wholeTableScans));
    }

    static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Nodes).Prepend(node) : [node];

    async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
