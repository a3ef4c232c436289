using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Bench.Datasets;
using Provenance.Bench.Registry;
using Provenance.Bench.Seeding;
using Provenance.Data;
using Provenance.Data.Datasets;
using Provenance.Data.Documents;
using Provenance.Data.Lineage;
using Provenance.Data.Registration;
using Provenance.Domain.Documents;

namespace Provenance.Bench.Scale;

/// <param name="Documents">Documents seeded (metadata, by binary COPY), half before the middle registration point, half after.</param>
/// <param name="Partitions">Hash partitions the registry was migrated with (<c>Database:Partitions</c>); 0 for plain tables.</param>
/// <param name="Register">Documents registered through the writer at each of the three points (0, half, all seeded).</param>
/// <param name="Scratch">The folder whose filesystem holds the database, for the disk check; none skips it.</param>
/// <param name="AncestorsOnly">Seed (unless the registry already holds documents: a database kept from an earlier run) and time the ancestor walks, nothing else.</param>
public sealed record ScaleBenchmarkOptions(
    string Connection,
    long Documents,
    int Partitions,
    MixRules Mix,
    double LineageShare,
    int Register,
    int BatchSize,
    int DocumentBytes,
    int Queries,
    int MaxDepth,
    int Domains,
    string? Scratch,
    bool AncestorsOnly = false)
{
    public DiskPlan Disk => new(Documents, Mix.Documents, 3L * (Register + 2 * WarmUp));

    /// <summary>Untimed documents registered twice before each timed point (JIT, connection pool, plan cache): plain, then with lineage.</summary>
    public const int WarmUp = 1_000;
}

/// <summary>
/// The registry at scale (issue "past one machine"): seeds <c>Documents</c> documents with lineage on a share of them
/// straight into the tables, and measures registration throughput through <see cref="RegistrationWriter"/> (in
/// process, the path the API's batch endpoint and the bus consumer share) on an empty registry, at half and at full
/// size; ancestor latency on the whole DAG; a <c>Mix</c>-document version assembled through
/// <see cref="DatasetAssembler"/> against <c>ORDER BY random()</c>; and the disk each document takes.
/// </summary>
public sealed class ScaleBenchmark(ScaleBenchmarkOptions o)
{
    readonly Submissions _submissions = new(o.DocumentBytes);
    readonly Random _random = new(77);
    readonly List<(string Name, TimeSpan Elapsed)> _phases = [];

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Report.Header("scale benchmark", o.Connection);
        if (o.Scratch is not null && !o.Disk.Fits(o.Scratch))
        {
            return 2;
        }
        await Phase("migrate", () => BenchDatabase.MigrateAsync(o.Connection, o.Partitions, ct));
        await using var dataSource = RegistryDatabase.CreateDataSource(o.Connection);
        await dataSource.ReloadTypesAsync(ct);
        await using var seeding = await BenchDatabase.SeedingAsync(o.Connection, ct);
        if (await CheckModeAsync(dataSource, ct) is { } refused)
        {
            Console.Error.WriteLine($"error: {refused}");
            return 2;
        }

        var writer = new RegistrationWriter(dataSource, new SubmissionLimits(), TimeProvider.System, NullLogger<RegistrationWriter>.Instance);
        var metadata = await CrawledMetadata.CreateAsync(seeding, o.Domains, ct);
        var seeder = new LineageSeeder(seeding, metadata, o.LineageShare, o.Documents + 1_000_000);
        if (o.AncestorsOnly)
        {
            return await AncestorsOnlyAsync(dataSource, seeding, seeder, ct);
        }
        var half = o.Documents / 2;
        var rates = new List<double>
        {
            await Phase("register at 0", () => RegisterAsync(dataSource, writer, 0, ct)),
        };
        await SeedAsync(seeding, seeder, 0, half, ct);
        rates.Add(await Phase($"register at {half:N0}", () => RegisterAsync(dataSource, writer, half, ct)));
        await SeedAsync(seeding, seeder, half, o.Documents, ct);
        rates.Add(await Phase($"register at {o.Documents:N0}", () => RegisterAsync(dataSource, writer, o.Documents, ct)));
        var spread = rates.Max() / rates.Min() - 1;
        Report.Line("register: spread", "fastest / slowest of the three points - 1", spread.ToString("0%", CultureInfo.InvariantCulture),
            spread <= 0.2 ? "flat: within 20%" : "NOT within 20%");

        await Phase("search index catching up", () => BenchDatabase.SearchIndexedAsync(dataSource, ct));
        await Phase("ancestors", () => AncestorsAsync(dataSource, ct));
        await Phase("mix and ORDER BY random()", async () =>
        {
            var mix = await MixComparison.AssembleAsync(dataSource, o.Mix.Spec($"scale-{DateTime.UtcNow:yyyyMMddHHmmss}"), o.Documents, ct);
            await MixComparison.CompareAsync(dataSource, mix, o.Mix.MaxDepth, ct);
        });
        await Phase("disk sizes", () => DiskAsync(seeding, ct));

        foreach (var (name, elapsed) in _phases)
        {
            Report.Line($"phase: {name}", "", string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:N1} s"), "");
        }
        Report.Summary($"scale, {o.Documents:N0} documents, {(o.Partitions > 1 ? $"{o.Partitions} partitions" : "unpartitioned")}");
        return 0;
    }

    /// <summary>The walk alone, to work on it: a database kept from an earlier run (<c>--connection</c>) is walked as it is.</summary>
    async Task<int> AncestorsOnlyAsync(NpgsqlDataSource dataSource, NpgsqlDataSource seeding, LineageSeeder seeder, CancellationToken ct)
    {
        if (await BenchDatabase.ScalarAsync(dataSource, "SELECT EXISTS (SELECT 1 FROM documents)", ct) is not true)
        {
            await SeedAsync(seeding, seeder, 0, o.Documents, ct);
        }
        await Phase("ancestors", () => AncestorsAsync(dataSource, ct));
        Report.Summary($"ancestors, {o.Documents:N0} documents, {(o.Partitions > 1 ? $"{o.Partitions} partitions" : "unpartitioned")}");
        return 0;
    }

    async Task<string?> CheckModeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var partitions = (long)(await BenchDatabase.ScalarAsync(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'documents'::regclass", ct))!;
        Console.WriteLine($"# mode: {(partitions > 0 ? $"documents in {partitions} hash partitions" : "unpartitioned")}, lineage on {o.LineageShare.ToString("0%", CultureInfo.InvariantCulture)} of documents");
        return partitions == (o.Partitions > 1 ? o.Partitions : 0) ? null
            : $"--partitions {o.Partitions} was asked for, but documents has {partitions} partitions: the registry was migrated without "
              + $"Database:Partitions={o.Partitions} (a build whose migrations do not know that setting ignores it).";
    }

    async Task SeedAsync(NpgsqlDataSource seeding, LineageSeeder seeder, long from, long to, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Phase($"seed {from:N0} to {to:N0}", () => seeder.SeedAsync(to - from, ct));
        Report.Line("seed: metadata and lineage", $"{to - from:N0} documents, {seeder.Edges:N0} edges in all",
            $"{(to - from) / clock.Elapsed.TotalSeconds:N0} docs/s", "binary COPY in steps of 50,000, 2 writers");
        // What the API's background compaction does within a minute: the COPYs' source-domain count rows, one per domain.
        await Phase($"source-domain counts compacted at {to:N0}", () => DomainCounts.CompactAsync(seeding, ct));
        // The visibility map makes the selection's index-only scans index-only; the statistics make the plans.
        await Phase($"VACUUM ANALYZE at {to:N0}", () => BenchDatabase.ExecuteAsync(seeding, "VACUUM (ANALYZE)", ct));
    }

    async Task<double> RegisterAsync(NpgsqlDataSource dataSource, RegistrationWriter writer, long seeded, CancellationToken ct)
    {
        // Untimed: plain documents (on an empty registry, the only possible parents), then a batch through the staged merge.
        await writer.RegisterAsync(_submissions.Derived(ScaleBenchmarkOptions.WarmUp, 0, _ => 0), "bench", ct);
        var parents = await ProbeAsync(dataSource, "documents", "id", 20_000, ct);
        await writer.RegisterAsync(_submissions.Derived(ScaleBenchmarkOptions.WarmUp, o.LineageShare, r => parents[r.Next(parents.Count)]), "bench", ct);
        var batches = Enumerable.Range(0, (o.Register + o.BatchSize - 1) / o.BatchSize)
            .Select(i => _submissions.Derived(Math.Min(o.BatchSize, o.Register - i * o.BatchSize), o.LineageShare, r => parents[r.Next(parents.Count)]))
            .ToList();
        var bytes = batches.Sum(b => b.Sum(s => (long)s.Text!.Length));
        var rejected = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            rejected += (await writer.RegisterAsync(batch, "bench", ct)).Count(r => r.Id is null);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = o.Register / seconds;
        Report.Line($"register at {seeded:N0} seeded", $"{o.Register:N0} docs of ~{o.DocumentBytes} B, {o.LineageShare.ToString("0%", CultureInfo.InvariantCulture)} with 1-3 parents",
            $"{rate:N0} docs/s", string.Create(CultureInfo.InvariantCulture,
                $"{bytes / 1e6 / seconds:N1} MB/s; RegistrationWriter in process, batches of {o.BatchSize:N0}{(rejected > 0 ? $"; {rejected} REJECTED" : "")}"));
        return rate;
    }

    async Task AncestorsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using (var cmd = dataSource.CreateCommand("SELECT (SELECT count(*) FROM lineage_edges), (SELECT max(depth) FROM documents)"))
        {
            cmd.CommandTimeout = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            Report.Line("DAG", $"{o.Documents:N0} seeded documents, {reader.GetInt64(0):N0} edges", $"max depth {(reader.IsDBNull(1) ? 0 : reader.GetInt32(1))}", "");
        }
        var sample = await ProbeAsync(dataSource, "lineage_edges", "child_id", o.Queries, ct, distinct: false);
        var walks = await AncestorLatency.MeasureAsync(new LineageQueries(dataSource), sample, o.MaxDepth, ct);
        Report.Latency($"ancestors (maxDepth {o.MaxDepth}), in-process", walks.Milliseconds, $"random documents with lineage; {walks.Note}");
    }

    /// <summary>
    /// Up to <paramref name="count"/> values of <paramref name="column"/> drawn at random, each the first at or above a
    /// random point of the id range: an index probe per draw, where <c>ORDER BY random()</c> would read the whole table.
    /// </summary>
    async Task<List<long>> ProbeAsync(NpgsqlDataSource dataSource, string table, string column, int count, CancellationToken ct, bool distinct = true)
    {
        long low, high;
        await using (var range = dataSource.CreateCommand("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM documents"))
        await using (var reader = await range.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (low, high) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var points = Enumerable.Range(0, count).Select(_ => _random.NextInt64(low, high + 1)).ToArray();
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {(distinct ? "DISTINCT " : "")}x FROM (SELECT (SELECT {column} FROM {table} WHERE {column} >= p ORDER BY {column} LIMIT 1) AS x FROM unnest(@p) p) s
             WHERE x IS NOT NULL
            """);
        cmd.CommandTimeout = 0;
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("p", points));
        var values = new List<long>(count);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                values.Add(reader.GetInt64(0));
            }
        }
        return values.Count > 0 ? values : throw new InvalidOperationException($"{table} has no rows to draw from");
    }

    /// <summary>Size on disk (heap, TOAST, every index; all partitions) and rows of each table a document fills.</summary>
    async Task DiskAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // document_search (where the registry indexes texts for search after commit, not in the registration) counts with the texts.
        string[] tables = ["documents", "document_hashes", "lineage_edges", "document_texts", "document_search", "sightings", "assertions", "dataset_version_documents"];
        var sizes = new Dictionary<string, (long Bytes, long Rows)>();
        foreach (var table in tables)
        {
            if (await BenchDatabase.ScalarAsync(dataSource, $"SELECT to_regclass('{table}') IS NOT NULL", ct) is not true)
            {
                continue;
            }
            // A partitioned table holds nothing itself: its partitions (pg_partition_tree, empty for a plain table) hold the rows.
            var bytes = (long)(await BenchDatabase.ScalarAsync(dataSource, $"""
                SELECT pg_total_relation_size('{table}')
                       + coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('{table}') WHERE relid <> '{table}'::regclass), 0)::bigint
                """, ct))!;
            var rows = (long)(await BenchDatabase.ScalarAsync(dataSource, $"SELECT count(*) FROM {table}", ct))!;
            sizes[table] = (bytes, rows);
            Report.Line($"disk: {table}", $"{rows:N0} rows", DiskPlan.Gigabytes(bytes), rows > 0 ? $"{bytes / rows:N0} B per row" : "");
        }
        long Bytes(string table) => sizes.TryGetValue(table, out var s) ? s.Bytes : 0;
        var documents = sizes["documents"].Rows;
        var seeded = (Bytes("documents") + Bytes("document_hashes") + Bytes("lineage_edges")) / (double)documents;
        // Only registered documents have texts, sightings and assertions; those tables, per text, give what registration adds.
        var registered = Math.Max(1, sizes["document_texts"].Rows);
        var withoutText = seeded + (Bytes("sightings") + Bytes("assertions")) / (double)registered;
        var withText = withoutText + (Bytes("document_texts") + Bytes("document_search")) / (double)registered;
        Report.Line("disk per document: metadata", $"documents, hash lookup, {o.LineageShare.ToString("0%", CultureInfo.InvariantCulture)} lineage", $"{seeded:N0} B", "as seeded: no text, sighting or assertion");
        Report.Line("disk per document: without text", "+ one sighting and one assertion", $"{withoutText:N0} B",
            string.Create(CultureInfo.InvariantCulture, $"{withoutText * 1e8 / 1e9:N0} GB at 100M, {withoutText * 1e9 / 1e12:N2} TB at 1e9"));
        Report.Line("disk per document: with text", $"+ a ~{o.DocumentBytes} B text and its search index", $"{withText:N0} B",
            string.Create(CultureInfo.InvariantCulture, $"{withText * 1e8 / 1e9:N0} GB at 100M, {withText * 1e9 / 1e12:N2} TB at 1e9"));
    }

    async Task<T> Phase<T>(string name, Func<Task<T>> run)
    {
        var clock = Stopwatch.StartNew();
        Report.Progress($"{name} ...");
        var result = await run();
        _phases.Add((name, clock.Elapsed));
        return result;
    }

    Task Phase(string name, Func<Task> run) => Phase(name, async () =>
    {
        await run();
        return true;
    });
}
