using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Client;
using Provenance.Contracts.Documents;
using Provenance.Data;
using Provenance.Data.Lineage;
using Provenance.Data.Registration;
using Provenance.Domain.Documents;

namespace Provenance.Bench.Registry;

public sealed record RegistryBenchmarkOptions(
    string Connection,
    int Batches,
    int BatchSize,
    int DocumentBytes,
    int DagDocuments,
    int Queries,
    int MaxDepth,
    Uri? ApiUrl,
    string? ApiKey,
    int Partitions = 1);

/// <summary>
/// Measures the registry core: batch registration throughput (10,000-document batches of ~1 KB) through the
/// registration writer and, when an API is given, through <c>POST /v1/documents/batch</c>; then seeds a lineage
/// DAG of <c>DagDocuments</c> documents and measures the latency of ancestor queries on it.
/// </summary>
public sealed class RegistryBenchmark(RegistryBenchmarkOptions o)
{
    readonly Submissions _submissions = new(o.DocumentBytes);

    public async Task RunAsync(CancellationToken ct)
    {
        Report.Header("registry benchmark", o.Connection);
        await BenchDatabase.MigrateAsync(o.Connection, o.Partitions, ct);
        await using var dataSource = RegistryDatabase.CreateDataSource(o.Connection);
        var writer = new RegistrationWriter(dataSource, new SubmissionLimits(), TimeProvider.System, NullLogger<RegistrationWriter>.Instance);

        // 1. Throughput of plain batches through the writer (the path the API and the bus consumer share).
        await writer.RegisterAsync(Batch(1_000, withParents: null), "bench", ct); // warm-up: JIT, connection pool, plan cache
        var ids = new List<long>();
        var (writerRate, writerMb) = await TimedBatchesAsync(o.Batches, async batch =>
        {
            var results = await writer.RegisterAsync(batch, "bench", ct);
            ids.AddRange(results.Select(r => r.Id!.Value));
        });
        Report.Line("writer: plain batches", $"{o.Batches} x {o.BatchSize:N0} docs of ~{o.DocumentBytes} B", $"{writerRate:N0} docs/s", $"{writerMb:N1} MB/s");

        // 2. The same through HTTP, JSON and the API's validation, when an API is running.
        if (o.ApiUrl is not null)
        {
            var client = ProvenanceClient.Create(o.ApiUrl, o.ApiKey ?? throw new ArgumentException("--api-key is required with --api-url"));
            await client.RegisterBatchAsync(Requests(1_000), ct);
            var (httpRate, httpMb) = await TimedBatchesAsync(o.Batches, async batch =>
            {
                var response = await client.RegisterBatchAsync([.. batch.Select(s => new RegisterDocumentRequest(s.Text, s.SourceUri))], ct);
                ids.AddRange(response.Results.Select(r => r.Id!.Value));
            });
            Report.Line("http: POST /v1/documents/batch", $"{o.Batches} x {o.BatchSize:N0} docs of ~{o.DocumentBytes} B", $"{httpRate:N0} docs/s", $"{httpMb:N1} MB/s");
        }

        // 3. Seed the lineage DAG: every batch derives documents from earlier ones, so depth grows as it goes.
        var remaining = o.DagDocuments - ids.Count;
        var walBefore = await WalPositionAsync(dataSource, ct);
        var seeded = Stopwatch.StartNew();
        var lineageDocs = 0;
        while (remaining > 0)
        {
            var size = Math.Min(o.BatchSize, remaining);
            var results = await writer.RegisterAsync(Batch(size, ids), "bench", ct);
            ids.AddRange(results.Select(r => r.Id ?? throw new InvalidOperationException(r.Reason)));
            remaining -= size;
            lineageDocs += size;
            if (ids.Count % 100_000 < o.BatchSize)
            {
                Report.Progress($"seeded {ids.Count:N0} / {o.DagDocuments:N0} documents ({lineageDocs / seeded.Elapsed.TotalSeconds:N0} docs/s)");
            }
        }
        if (lineageDocs > 0)
        {
            Report.Line("writer: batches with lineage", $"{lineageDocs:N0} docs, 75% with 1-3 parents", $"{lineageDocs / seeded.Elapsed.TotalSeconds:N0} docs/s",
                $"WAL {(await WalPositionAsync(dataSource, ct) - walBefore) / (double)lineageDocs:N0} B/doc");
        }
        // The walks below are timed on a registry at rest, after the API has indexed the texts registered above.
        await BenchDatabase.SearchIndexedAsync(dataSource, ct);
        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            analyze.CommandTimeout = 0; // with large texts and the text index, minutes on a busy machine
            await analyze.ExecuteNonQueryAsync(ct);
        }
        await PrintShapeAsync(dataSource, ct);
        await StorageReport.PrintAsync(dataSource, ct);

        // 4. Ancestor query latency on the DAG, on documents picked at random.
        var lineage = new LineageQueries(dataSource);
        var sample = Enumerable.Range(0, o.Queries).Select(_ => ids[_submissions.Random.Next(ids.Count)]).ToList();
        var walks = await AncestorLatency.MeasureAsync(lineage, sample, o.MaxDepth, ct);
        Report.Latency($"ancestors (maxDepth {o.MaxDepth}), in-process", walks.Milliseconds, walks.Note);
        if (o.ApiUrl is not null)
        {
            var client = ProvenanceClient.Create(o.ApiUrl, o.ApiKey!);
            var http = new List<double>(sample.Count);
            foreach (var id in sample)
            {
                var sw = Stopwatch.StartNew();
                await client.AncestorsAsync(id.ToString(CultureInfo.InvariantCulture), o.MaxDepth, ct: ct);
                http.Add(sw.Elapsed.TotalMilliseconds);
            }
            Report.Latency($"GET /v1/documents/{{id}}/ancestors", http, "");
        }
    }

    async Task<(double DocsPerSecond, double MegabytesPerSecond)> TimedBatchesAsync(int batches, Func<IReadOnlyList<DocumentSubmission>, Task> register)
    {
        var prepared = Enumerable.Range(0, batches).Select(_ => Batch(o.BatchSize, withParents: null)).ToList();
        var bytes = prepared.Sum(b => b.Sum(s => (long)s.Text!.Length));
        var sw = Stopwatch.StartNew();
        foreach (var batch in prepared)
        {
            await register(batch);
        }
        var seconds = sw.Elapsed.TotalSeconds;
        return (batches * o.BatchSize / seconds, bytes / 1e6 / seconds);
    }

    List<RegisterDocumentRequest> Requests(int n) => [.. Batch(n, null).Select(s => new RegisterDocumentRequest(s.Text, s.SourceUri))];

    /// <summary>
    /// A batch of new documents. With <paramref name="withParents"/>, a quarter are human and the rest derive from
    /// one to three earlier documents. Parents are drawn from the last 100,000 registered, skewed towards the most
    /// recent, so that chains grow deep as the registry grows.
    /// </summary>
    List<DocumentSubmission> Batch(int n, IReadOnlyList<long>? withParents) => withParents is null || withParents.Count == 0
        ? _submissions.Plain(n)
        : _submissions.Derived(n, 0.75, random =>
        {
            var u = random.NextDouble();
            return withParents[withParents.Count - 1 - (int)(u * u * Math.Min(100_000, withParents.Count))];
        });

    /// <summary>Bytes of WAL written since the cluster was created: what a standby and the WAL archive must take in.</summary>
    static async Task<long> WalPositionAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task PrintShapeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM lineage_edges), (SELECT max(depth) FROM documents),
                   (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY depth) FROM documents WHERE depth > 0)
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Report.Line("DAG", $"{reader.GetInt64(0):N0} documents, {reader.GetInt64(1):N0} edges",
            $"max depth {(reader.IsDBNull(2) ? 0 : reader.GetInt32(2))}", $"median depth {(reader.IsDBNull(3) ? 0 : reader.GetInt32(3))}");
    }
}
