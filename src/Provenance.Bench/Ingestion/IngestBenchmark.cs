using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Provenance.Data;
using Provenance.Data.Documents;

namespace Provenance.Bench.Ingestion;

public sealed record IngestBenchmarkOptions(
    string Connection,
    int Documents,
    int DocumentBytes,
    int BatchSize,
    int InFlight,
    string Broker,
    string CliPath,
    int? ConsumerPid,
    string WorkDirectory);

/// <summary>
/// End-to-end ingest: <c>provenance ingest</c> (a separate process, like a crawler) reads a JSONL file of
/// ~1 KB documents and sends it through RabbitMQ to the registry's consumer, which writes it into PostgreSQL. In the
/// same run, the same rows are written by raw binary COPYs (see <see cref="RawCopyAsync"/>): into empty tables of the
/// registry's shape, which the end-to-end rate is reported against, and into one bare table, the fastest PostgreSQL
/// takes this data at all.
/// </summary>
public sealed class IngestBenchmark(IngestBenchmarkOptions o)
{
    static readonly DateTimeOffset Crawled = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task RunAsync(CancellationToken ct)
    {
        Report.Header("ingest benchmark", o.Connection);
        Directory.CreateDirectory(o.WorkDirectory);
        var file = Path.Combine(o.WorkDirectory, $"crawl-{o.Documents}.jsonl");
        var bytes = await GenerateAsync(file, ct);
        Report.Line("input", $"{o.Documents:N0} JSONL lines, ~{o.DocumentBytes} B of text each", $"{bytes / 1e6:N0} MB", "");

        var copy = await RawCopyAsync(file, ct);
        Report.Line("raw binary COPY, registry-shaped tables", "documents + texts + sightings, same indexes and FKs",
            $"{copy.Shaped.DocsPerSecond:N0} docs/s", $"{copy.Shaped.MegabytesPerSecond:N1} MB/s");
        Report.Line("raw binary COPY, same without the source URL index", "no hash index on sightings.uri",
            $"{copy.ShapedWithoutSearchIndexes.DocsPerSecond:N0} docs/s", $"{copy.ShapedWithoutSearchIndexes.MegabytesPerSecond:N1} MB/s");
        Report.Line("source URL index's share of the COPY", "1 - with / without",
            $"{1 - copy.Shaped.DocsPerSecond / copy.ShapedWithoutSearchIndexes.DocsPerSecond:P0}", "");
        Report.Line("raw binary COPY, same without foreign keys", "texts and sightings not checked against documents",
            $"{copy.ShapedWithoutForeignKeys.DocsPerSecond:N0} docs/s", $"{copy.ShapedWithoutForeignKeys.MegabytesPerSecond:N1} MB/s");
        Report.Line("raw binary COPY, one bare table", "the rows' columns, no index",
            $"{copy.Bare.DocsPerSecond:N0} docs/s", $"{copy.Bare.MegabytesPerSecond:N1} MB/s");

        // The same ingest of other documents first with the API's search indexer paused (this process holds the lock
        // its batches take, as another API process's indexer would), into empty tables. Then the indexer catches up on
        // them alone, and the measured run goes with the indexer running, into tables that already hold the first
        // run's rows, which if anything makes it look slower; the indexer's lag after it is timed too.
        var otherFile = Path.Combine(o.WorkDirectory, $"crawl-{o.Documents}-without-text-indexing.jsonl");
        var otherBytes = await GenerateAsync(otherFile, ct);
        (double Rate, double Mb, long ConsumerPeak, List<long> ConsumerSamples, long CrawlerPeak, CpuUse Cpu) without;
        await using (var pause = new NpgsqlConnection(o.Connection))
        {
            await pause.OpenAsync(ct);
            await using var tx = await pause.BeginTransactionAsync(ct);
            await AdvisoryLocks.SearchIndexAsync(pause, wait: true, ct);
            without = await EndToEndAsync(otherFile, otherBytes, ct);
            await tx.CommitAsync(ct);
        }
        var alone = await SearchCatchUpAsync(ct);

        var (rate, mb, consumerPeak, consumerSamples, crawlerPeak, cpu) = await EndToEndAsync(file, bytes, ct);
        var lag = await SearchCatchUpAsync(ct);
        var perThousand = 1000.0 / o.Documents;
        Report.Line("end to end: ingest -> RabbitMQ -> PostgreSQL", $"batches of {o.BatchSize:N0}, {o.InFlight} in flight, search indexer running",
            $"{rate:N0} docs/s", $"{mb:N1} MB/s");
        Report.Line("same, search indexer paused", "other documents, into empty tables, run first", $"{without.Rate:N0} docs/s", $"{without.Mb:N1} MB/s");
        Report.Line("search indexer's share end to end", "1 - running / paused", $"{1 - rate / without.Rate:P0}",
            $"PostgreSQL CPU {cpu.Postgres * perThousand:N3} vs {without.Cpu.Postgres * perThousand:N3} s per 1,000 docs during the ingest");
        Report.Line("search indexer catching up alone", $"on the {o.Documents:N0} documents of the paused run",
            $"{o.Documents / alone.Seconds:N0} docs/s", $"{alone.Seconds:N1} s, PostgreSQL CPU {alone.PostgresCpu * perThousand:N3} s per 1,000 docs");
        Report.Line("search indexer's lag after the ingest", "from the last document sent to an empty backlog",
            $"{lag.Seconds:N1} s", $"PostgreSQL CPU {(cpu.Postgres + lag.PostgresCpu) * perThousand:N3} s per 1,000 docs, ingest and catch-up");
        Report.Line("ratio end-to-end / raw COPY", "registry-shaped tables (without FKs; bare table)", $"{rate / copy.Shaped.DocsPerSecond:P0}",
            $"({rate / copy.ShapedWithoutForeignKeys.DocsPerSecond:P0}; {rate / copy.Bare.DocsPerSecond:P0})");
        if (consumerPeak > 0)
        {
            Report.Line("consumer (API) resident memory", "at 25/50/75/100% of the ingest",
                $"peak {consumerPeak / 1048576.0:N0} MiB", string.Join(" / ", consumerSamples.Select(s => $"{s / 1048576.0:N0}")) + " MiB");
        }
        Report.Line("crawler (provenance ingest) memory", "", $"peak {crawlerPeak / 1048576.0:N0} MiB", "");
        // Where the machine's cores went: on a small machine every process of the pipeline competes for them.
        Report.Line("CPU seconds per 1,000 documents", $"{Environment.ProcessorCount} cores, {cpu.Wall:N1} s wall",
            $"total {cpu.Total * perThousand:N3}",
            $"consumer {cpu.Consumer * perThousand:N3} / crawler {cpu.Crawler * perThousand:N3} / PostgreSQL {cpu.Postgres * perThousand:N3} / RabbitMQ {cpu.Broker * perThousand:N3}");
    }

    /// <summary>CPU seconds each part of the pipeline used during the end-to-end run, and its wall time.</summary>
    sealed record CpuUse(double Wall, double Consumer, double Crawler, double Postgres, double Broker)
    {
        public double Total => Consumer + Crawler + Postgres + Broker;
    }

    /// <summary>User plus system CPU seconds of a process (Linux), or 0 once it is gone.</summary>
    static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>CPU seconds of every live process whose command name is <paramref name="comm"/>, by pid.</summary>
    static Dictionary<int, double> CpuByCommand(string comm)
    {
        var byPid = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == comm)
                    {
                        byPid[pid] = CpuSeconds(pid);
                    }
                }
                catch (IOException)
                {
                }
            }
        }
        return byPid;
    }

    /// <summary>CPU used since <paramref name="before"/> by processes alive at both ends (servers' long-lived processes).</summary>
    static double Delta(Dictionary<int, double> before, Dictionary<int, double> after) =>
        after.Sum(a => a.Value - before.GetValueOrDefault(a.Key));

    async Task<long> GenerateAsync(string file, CancellationToken ct)
    {
        if (File.Exists(file))
        {
            return new FileInfo(file).Length;
        }
        var text = new SyntheticText(seed: 99);
        var run = DateTime.UtcNow.Ticks;
        await using (var writer = new StreamWriter(file + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            for (var i = 0; i < o.Documents; i++)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    text = text.Next(o.DocumentBytes, run + i),
                    url = $"https://ingest.example/{run}/{i}",
                    crawledAt = Crawled,
                }).AsMemory(), ct);
            }
        }
        File.Move(file + ".tmp", file, overwrite: true);
        return new FileInfo(file).Length;
    }

    /// <summary>
    /// Raw binary COPYs of the same rows, each timed alone, after everything derivable (hash, counts, source domain)
    /// was computed up front: (1) into empty tables shaped like the registry's own (<c>LIKE documents INCLUDING ALL</c>,
    /// likewise <c>document_texts</c> and <c>sightings</c>: same columns, checks and indexes) with the registry's
    /// foreign keys from texts and sightings to documents, in one transaction, which is what storing these rows costs
    /// at the least; (2) the same without the foreign keys; (3) into a single unindexed table of the rows' columns,
    /// which is how fast PostgreSQL takes the bytes at all. Besides, (1) once more without the source URL hash index, which
    /// is what the one search index that registration maintains costs it (the text search's is the indexer's, after it).
    /// </summary>
    async Task<RawCopyRates> RawCopyAsync(string file, CancellationToken ct)
    {
        var rows = new List<RawRow>(o.Documents);
        long textBytes = 0;
        foreach (var line in File.ReadLines(file))
        {
            using var json = JsonDocument.Parse(line);
            var text = json.RootElement.GetProperty("text").GetString()!;
            var url = json.RootElement.GetProperty("url").GetString()!;
            rows.Add(new RawRow(SHA256.HashData(Encoding.UTF8.GetBytes(text)), text, text.Length, text.Length / 4, url, new Uri(url).Host));
            textBytes += Encoding.UTF8.GetByteCount(text);
        }
        await using var conn = new NpgsqlConnection(o.Connection);
        await conn.OpenAsync(ct);
        await ExecuteAsync(conn, """
            DROP TABLE IF EXISTS bench_sightings, bench_document_texts, bench_documents, bench_nofk_sightings, bench_nofk_document_texts,
                                 bench_nofk_documents, bench_nosearch_sightings, bench_nosearch_document_texts, bench_nosearch_documents,
                                 bench_raw_copy;
            CREATE TABLE bench_documents (LIKE documents INCLUDING ALL);
            CREATE TABLE bench_document_texts (LIKE document_texts INCLUDING ALL,
                FOREIGN KEY (document_id) REFERENCES bench_documents (id) ON DELETE CASCADE);
            CREATE TABLE bench_sightings (LIKE sightings INCLUDING ALL,
                FOREIGN KEY (document_id) REFERENCES bench_documents (id) ON DELETE CASCADE);
            CREATE TABLE bench_nosearch_documents (LIKE documents INCLUDING ALL);
            CREATE TABLE bench_nosearch_document_texts (LIKE document_texts INCLUDING ALL,
                FOREIGN KEY (document_id) REFERENCES bench_nosearch_documents (id) ON DELETE CASCADE);
            CREATE TABLE bench_nosearch_sightings (LIKE sightings INCLUDING ALL,
                FOREIGN KEY (document_id) REFERENCES bench_nosearch_documents (id) ON DELETE CASCADE);
            CREATE TABLE bench_nofk_documents (LIKE documents INCLUDING ALL);
            CREATE TABLE bench_nofk_document_texts (LIKE document_texts INCLUDING ALL);
            CREATE TABLE bench_nofk_sightings (LIKE sightings INCLUDING ALL);
            CREATE TABLE bench_raw_copy (text text NOT NULL, url text, crawled_at timestamptz NOT NULL, crawler text NOT NULL);
            """, ct);
        // LIKE … INCLUDING ALL copies the search indexes under generated names; they are found by what they index.
        await ExecuteAsync(conn, """
            DO $$
            DECLARE i text;
            BEGIN
              FOR i IN SELECT indexname FROM pg_indexes
                        WHERE tablename IN ('bench_nosearch_document_texts', 'bench_nosearch_sightings')
                          AND indexdef LIKE '%USING hash (uri)%' LOOP
                EXECUTE format('DROP INDEX %I', i);
              END LOOP;
              IF (SELECT count(*) FROM pg_indexes WHERE tablename IN ('bench_document_texts', 'bench_sightings')) -
                 (SELECT count(*) FROM pg_indexes WHERE tablename IN ('bench_nosearch_document_texts', 'bench_nosearch_sightings')) <> 1 THEN
                RAISE EXCEPTION 'expected to drop the source URL index';
              END IF;
            END $$;
            """, ct);

        var shaped = await CopyShapedAsync(conn, "bench_", rows, ct);
        var noSearchIndexes = await CopyShapedAsync(conn, "bench_nosearch_", rows, ct);
        var noForeignKeys = await CopyShapedAsync(conn, "bench_nofk_", rows, ct);

        var sw = Stopwatch.StartNew();
        await using (var w = await conn.BeginBinaryImportAsync("COPY bench_raw_copy (text, url, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(row.Text, NpgsqlDbType.Text, ct);
                await w.WriteAsync(row.Url, NpgsqlDbType.Text, ct);
                await w.WriteAsync(Crawled, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync("bench", NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
        var bare = sw.Elapsed.TotalSeconds;
        await ExecuteAsync(conn, """
            DROP TABLE bench_sightings, bench_document_texts, bench_documents, bench_nofk_sightings, bench_nofk_document_texts,
                       bench_nofk_documents, bench_nosearch_sightings, bench_nosearch_document_texts, bench_nosearch_documents, bench_raw_copy
            """, ct);
        return new RawCopyRates(new Rate(rows.Count / shaped, textBytes / 1e6 / shaped),
            new Rate(rows.Count / noSearchIndexes, textBytes / 1e6 / noSearchIndexes),
            new Rate(rows.Count / noForeignKeys, textBytes / 1e6 / noForeignKeys), new Rate(rows.Count / bare, textBytes / 1e6 / bare));
    }

    /// <summary>COPYs the rows into <paramref name="prefix"/>documents, document_texts and sightings in one transaction; seconds taken.</summary>
    static async Task<double> CopyShapedAsync(NpgsqlConnection conn, string prefix, List<RawRow> rows, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var w = await conn.BeginBinaryImportAsync(
            $"COPY {prefix}documents (id, content_hash, char_count, token_count, first_seen, last_seen, class, source_domain) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(rows[i].Hash, NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(rows[i].Chars, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(rows[i].Tokens, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(Crawled, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(Crawled, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync("unknown", NpgsqlDbType.Unknown, ct);
                await w.WriteAsync(rows[i].Domain, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync($"COPY {prefix}document_texts (document_id, text) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(rows[i].Text, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync($"COPY {prefix}sightings (id, document_id, uri, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(rows[i].Url, NpgsqlDbType.Text, ct);
                await w.WriteAsync(Crawled, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync("bench-crawler", NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return sw.Elapsed.TotalSeconds;
    }

    sealed record RawRow(byte[] Hash, string Text, int Chars, int Tokens, string Url, string Domain);

    readonly record struct Rate(double DocsPerSecond, double MegabytesPerSecond);

    sealed record RawCopyRates(Rate Shaped, Rate ShapedWithoutSearchIndexes, Rate ShapedWithoutForeignKeys, Rate Bare);

    static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    async Task<(double Rate, double Mb, long ConsumerPeak, List<long> ConsumerSamples, long CrawlerPeak, CpuUse Cpu)> EndToEndAsync(
        string file, long bytes, CancellationToken ct)
    {
        var journal = Path.Combine(o.WorkDirectory, $"journal-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet",
            [o.CliPath, "ingest", file, "--broker", o.Broker, "--batch-size", o.BatchSize.ToString(CultureInfo.InvariantCulture),
             "--in-flight", o.InFlight.ToString(CultureInfo.InvariantCulture), "--journal", journal, "--crawler", "bench-crawler"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var baseline = await MaxSightingIdAsync(ct);
        var consumerCpu = o.ConsumerPid is { } cp ? CpuSeconds(cp) : 0;
        var (postgresCpu, brokerCpu) = (CpuByCommand("postgres"), CpuByCommand("beam.smp"));
        double crawlerCpu = 0;
        var sw = Stopwatch.StartNew();
        using var crawler = Process.Start(start)!;
        var output = crawler.StandardOutput.ReadToEndAsync(ct);
        var errors = crawler.StandardError.ReadToEndAsync(ct);
        long consumerPeak = 0, crawlerPeak = 0;
        var samples = new List<long>();
        var nextQuartile = 1;
        while (!crawler.HasExited)
        {
            await Task.Delay(250, ct);
            crawlerPeak = Math.Max(crawlerPeak, Rss(crawler.Id));
            crawlerCpu = Math.Max(crawlerCpu, CpuSeconds(crawler.Id));
            if (o.ConsumerPid is { } pid)
            {
                var rss = Rss(pid);
                consumerPeak = Math.Max(consumerPeak, rss);
                var done = await SightingsSinceAsync(baseline, ct);
                if (nextQuartile <= 4 && done >= o.Documents * nextQuartile / 4)
                {
                    samples.Add(rss);
                    nextQuartile++;
                }
            }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        var cpu = new CpuUse(seconds, o.ConsumerPid is { } c ? CpuSeconds(c) - consumerCpu : 0, crawlerCpu,
            Delta(postgresCpu, CpuByCommand("postgres")), Delta(brokerCpu, CpuByCommand("beam.smp")));
        if (crawler.ExitCode != 0)
        {
            throw new InvalidOperationException($"provenance ingest failed ({crawler.ExitCode}):\n{await output}\n{await errors}");
        }
        Console.Write(await output);
        var registered = await CountAsync(ct);
        if (registered < o.Documents)
        {
            throw new InvalidOperationException($"only {registered:N0} of {o.Documents:N0} sightings reached the registry.");
        }
        if (o.ConsumerPid is { } p)
        {
            consumerPeak = Math.Max(consumerPeak, Rss(p));
            while (samples.Count < 4)
            {
                samples.Add(Rss(p));
            }
        }
        return (o.Documents / seconds, bytes / 1e6 / seconds, consumerPeak, samples, crawlerPeak, cpu);
    }

    /// <summary>
    /// Waits until the API's search indexer has no backlog (<see cref="SearchIndexer.BacklogSql"/>): the seconds that took
    /// and the PostgreSQL CPU seconds spent meanwhile.
    /// </summary>
    async Task<(double Seconds, double PostgresCpu)> SearchCatchUpAsync(CancellationToken ct)
    {
        var postgresCpu = CpuByCommand("postgres");
        var sw = Stopwatch.StartNew();
        while (await ScalarAsync(SearchIndexer.BacklogSql, ct) > 0)
        {
            await Task.Delay(250, ct);
        }
        return (sw.Elapsed.TotalSeconds, Delta(postgresCpu, CpuByCommand("postgres")));
    }

    async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(o.Connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    async Task<long> CountAsync(CancellationToken ct) => await ScalarAsync("SELECT count(*) FROM sightings WHERE crawler = 'bench-crawler'", ct);

    async Task<long> MaxSightingIdAsync(CancellationToken ct) => await ScalarAsync("SELECT COALESCE(max(id), 0) FROM sightings", ct);

    // Progress for the memory samples comes from the sighting ids (one index probe), not a count over a growing table.
    async Task<long> SightingsSinceAsync(long baseline, CancellationToken ct) => await MaxSightingIdAsync(ct) - baseline;

    async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(o.Connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Resident set size of a process, from /proc (Linux).</summary>
    static long Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
