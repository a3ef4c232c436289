using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Provenance.Bench.Seeding;
using Provenance.Client;
using Provenance.Client.Datasets;
using Provenance.Contracts.Datasets;
using Provenance.Data;
using Provenance.Data.Datasets;
using Provenance.Data.Documents;
using Provenance.Domain.Assertions;

namespace Provenance.Bench.Datasets;

/// <param name="RegistryDocuments">Documents (metadata only) seeded into the registry.</param>
/// <param name="MixDocuments">Target of the version assembled from them.</param>
/// <param name="DocumentBytes">Size of the texts written for the exported documents.</param>
public sealed record DatasetsBenchmarkOptions(
    string Connection,
    long RegistryDocuments,
    long MixDocuments,
    double MinHumanShare,
    double MaxSyntheticShare,
    int? MaxDepth,
    double? MaxGeneratorShare,
    int Domains,
    bool Export,
    int DocumentBytes,
    Uri? ApiUrl,
    string? ApiKey,
    string WorkDir,
    int ExportRuns = 1,
    int Partitions = 1,
    bool AssemblyOnly = false);

/// <summary>
/// Dataset assembly at scale: seeds a registry of <c>RegistryDocuments</c> documents (metadata only, with the class,
/// generator, depth, language, licence, source-domain and first-seen mix of a web crawl), assembles a
/// <c>MixDocuments</c>-document version from it through <see cref="DatasetAssembler"/>, times the same per-class
/// selection done the naive way (<c>ORDER BY random() LIMIT n</c>), checks that assembling again gives the same
/// manifest hash, and, with an API, measures export throughput to JSONL and Parquet.
/// </summary>
public sealed class DatasetsBenchmark(DatasetsBenchmarkOptions o)
{
    public async Task RunAsync(CancellationToken ct)
    {
        Report.Header("datasets benchmark", o.Connection);
        await BenchDatabase.MigrateAsync(o.Connection, o.Partitions, ct);
        await using var dataSource = RegistryDatabase.CreateDataSource(o.Connection);
        await dataSource.ReloadTypesAsync(ct);
        await using var seeding = await BenchDatabase.SeedingAsync(o.Connection, ct);

        var existing = (long)(await BenchDatabase.ScalarAsync(dataSource, "SELECT count(*) FROM documents", ct))!;
        if (existing < o.RegistryDocuments)
        {
            var seedClock = Stopwatch.StartNew();
            await SeedAsync(seeding, o.RegistryDocuments - existing, ct);
            // Every registered text claims its hash, as registration does.
            await using (var claim = seeding.CreateCommand(
                "INSERT INTO document_hashes (content_hash, document_id) SELECT content_hash, id FROM documents ON CONFLICT DO NOTHING"))
            {
                await claim.ExecuteNonQueryAsync(ct);
            }
            Report.Line("seed: registry metadata", $"{o.RegistryDocuments:N0} documents, {o.Domains:N0} source domains",
                $"{seedClock.Elapsed.TotalSeconds:N1} s", $"{(o.RegistryDocuments - existing) / seedClock.Elapsed.TotalSeconds:N0} docs/s (binary COPY)");
            // What the API's background compaction does within a minute: the COPYs' source-domain count rows, one per domain.
            await DomainCounts.CompactAsync(seeding, ct);
            var vacuum = Stopwatch.StartNew();
            await BenchDatabase.ExecuteAsync(seeding, "VACUUM (ANALYZE) documents", ct);
            Report.Line("seed: VACUUM ANALYZE documents", "visibility map for index-only scans", $"{vacuum.Elapsed.TotalSeconds:N1} s", "");
        }
        // A scan of the whole registry, like the seeding: on a busy machine it can outlast the command timeout.
        if (!o.AssemblyOnly)
        {
            await PrintShapeAsync(seeding, ct);
            await StorageReport.PrintAsync(seeding, ct);
        }

        var rules = new MixRules(o.MixDocuments, o.MinHumanShare, o.MaxSyntheticShare, o.MaxDepth, o.MaxGeneratorShare);
        var dataset = $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var spec = rules.Spec(dataset);

        // 1. Assembly through the same service the API and the bus call.
        var mix = await MixComparison.AssembleAsync(dataSource, spec, o.RegistryDocuments, ct);
        var v = mix.Stored.Version;
        if (o.AssemblyOnly)
        {
            return;
        }

        // 2. The same per-class counts drawn with ORDER BY random() and read straight from the sample-key index, and the
        // two ratios the selection is held to.
        await MixComparison.CompareAsync(dataSource, mix, o.MaxDepth, ct);

        // 3. Determinism: the same spec on the same registry gives the same manifest.
        var clock = Stopwatch.StartNew();
        var again = (AssemblyPreviewed)await MixComparison.Assembler(dataSource).PreviewAsync(spec, ct);
        Report.Line("assemble again (dry run)", "same spec, same registry", $"{clock.Elapsed.TotalSeconds:N2} s",
            again.Preview.ManifestHash == v.ManifestHash ? "same manifest hash" : $"DIFFERENT manifest hash {again.Preview.ManifestHash}");

        // 4. Export of the version over HTTP, as a training job does it.
        if (o.Export && o.ApiUrl is not null)
        {
            clock.Restart();
            var textBytes = await SeedTextsAsync(seeding, v.Id, ct);
            Report.Line("seed: texts of the version", $"{v.Documents:N0} texts of ~{o.DocumentBytes} B", $"{clock.Elapsed.TotalSeconds:N1} s", $"{textBytes / 1e6:N0} MB");
            var key = o.ApiKey ?? throw new ArgumentException("--api-key is required with --api-url");
            var client = ProvenanceClient.Create(o.ApiUrl, key, TimeSpan.FromHours(1));
            for (var run = 1; run <= o.ExportRuns; run++)
            {
                var label = o.ExportRuns == 1 ? "export" : $"export {run}/{o.ExportRuns}";
                var ttfb = await TimeToFirstByteAsync(o.ApiUrl, key, v.Id, v.Documents, ct);
                Report.Line($"{label}: time to first byte", "GET …/documents at offset 0, half-way, near the end",
                    string.Join(" / ", ttfb.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:N0} ms"))),
                    "chunked keyset reads: the wait does not grow with the version or the offset");
                foreach (var format in new[] { ExportFormat.Jsonl, ExportFormat.Parquet })
                {
                    var dir = Path.Combine(o.WorkDir, $"{dataset}-{format}".ToLowerInvariant());
                    var export = await new DatasetExporter(client).ExportAsync(v.Ref, format, dir, ct: ct);
                    var seconds = export.Elapsed.TotalSeconds;
                    Report.Line($"{label}: {format.ToString().ToLowerInvariant()}", $"{export.Documents:N0} docs in {export.Files.Count} shards, {export.FileBytes / 1e6:N0} MB on disk",
                        $"{export.TextBytes / 1e6 / seconds:N1} MB/s", string.Create(CultureInfo.InvariantCulture,
                            $"of text ({export.TextBytes / 1e6:N0} MB in {seconds:N1} s, {export.Documents / seconds:N0} docs/s, {export.FileBytes / 1e6 / seconds:N1} MB/s written; first document after {export.FirstDocument.TotalMilliseconds:N0} ms; {export.Retries} retries)"));
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// From sending <c>GET /v1/datasets/{id}/documents</c> (with texts) to holding the first byte of the body, at the
    /// start of the version, half-way and near its end; each request is dropped after its first byte.
    /// </summary>
    static async Task<TimeSpan[]> TimeToFirstByteAsync(Uri api, string key, long versionId, long documents, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, key);
        var times = new List<TimeSpan>();
        foreach (var offset in new[] { 0, documents / 2, Math.Max(0, documents - 10) })
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(string.Create(CultureInfo.InvariantCulture, $"v1/datasets/{versionId}/documents?offset={offset}"),
                HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var first = new byte[1];
            await body.ReadExactlyAsync(first, ct);
            times.Add(clock.Elapsed);
        }
        return [.. times];
    }

    async Task SeedAsync(NpgsqlDataSource dataSource, long count, CancellationToken ct)
    {
        var metadata = await CrawledMetadata.CreateAsync(dataSource, o.Domains, ct);
        const int workers = 2;
        var done = 0L;
        await Parallel.ForEachAsync(Enumerable.Range(0, workers), ct, async (worker, token) =>
        {
            var random = new Random(1000 + worker);
            var n = count / workers + (worker < count % workers ? 1 : 0);
            await using var conn = await dataSource.OpenConnectionAsync(token);
            await using var copy = await conn.BeginBinaryImportAsync($"COPY documents ({CrawledMetadata.Columns}) FROM STDIN (FORMAT BINARY)", token);
            for (long i = 0; i < n; i++)
            {
                var roll = random.NextDouble();
                var cls = roll < 0.55 ? ProvenanceClass.Human : roll < 0.85 ? ProvenanceClass.Synthetic : roll < 0.93 ? ProvenanceClass.Mixed : ProvenanceClass.Unknown;
                // Depths as declared, without lineage rows: this registry has none (bench.sh scale seeds lineage).
                int? depth = cls switch
                {
                    ProvenanceClass.Human => 0,
                    ProvenanceClass.Unknown => null,
                    _ => random.NextDouble() switch { < 0.02 => null, < 0.62 => 1, < 0.87 => 2, < 0.96 => 3, _ => 4 + random.Next(4) },
                };
                await copy.StartRowAsync(token);
                await CrawledMetadata.WriteAsync(copy, metadata.Next(random, cls, depth, decidedBy: null), token);
                if (Interlocked.Increment(ref done) % 1_000_000 == 0)
                {
                    Report.Progress($"seeded {done:N0} / {count:N0} documents");
                }
            }
            await copy.CompleteAsync(token);
        });
    }

    /// <summary>Texts for the version's documents only: a registry of 10M texts would not fit the benchmark machine's disk budget.</summary>
    async Task<long> SeedTextsAsync(NpgsqlDataSource dataSource, long versionId, CancellationToken ct)
    {
        var ids = new List<long>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT v.document_id FROM dataset_version_documents v WHERE v.version_id = @v
               AND NOT EXISTS (SELECT 1 FROM document_texts t WHERE t.document_id = v.document_id) ORDER BY v.document_id
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long>("v", versionId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        var text = new SyntheticText(seed: 7);
        long bytes = 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var copy = await conn.BeginBinaryImportAsync("COPY document_texts (document_id, text) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var id in ids)
        {
            var t = text.Next(o.DocumentBytes, id);
            bytes += t.Length;
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(t, NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
        return bytes;
    }

    static async Task PrintShapeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT count(*), count(*) FILTER (WHERE class = 'human'), count(*) FILTER (WHERE class = 'synthetic'), count(*) FILTER (WHERE class = 'mixed'),
                   count(*) FILTER (WHERE class = 'unknown'), count(DISTINCT source_domain), pg_size_pretty(pg_total_relation_size('documents'))
              FROM documents
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Report.Line("registry", $"{reader.GetInt64(0):N0} documents ({reader.GetString(6)} with indexes)",
            $"{reader.GetInt64(5):N0} domains", $"human {reader.GetInt64(1):N0}, synthetic {reader.GetInt64(2):N0}, mixed {reader.GetInt64(3):N0}, unknown {reader.GetInt64(4):N0}");
    }
}
