using Npgsql;

namespace Provenance.Data.Documents;

/// <summary>What one <see cref="SearchIndexer.RunAsync"/> did.</summary>
/// <param name="Ran">False when another indexer held the lock, so this one left the work to it.</param>
/// <param name="Indexed">Documents whose words this pass wrote into <c>document_search</c>.</param>
/// <param name="IndexedThrough">Every document up to this id is indexed (or never committed), after the pass.</param>
public sealed record SearchIndexPass(bool Ran, int Indexed, long IndexedThrough);

/// <summary>
/// Fills <c>document_search</c> with the words of texts registered since its last pass, in batches, outside the
/// registration transactions: a GIN index over every word of every text multiplied PostgreSQL's work per registered
/// document by four to six (docs/performance.md), so registration only stores the text and search lags it by a pass.
/// <para>
/// Finding the work: documents get increasing ids from their sequence, but their transactions commit in any order, so a
/// pass that indexed id 200 may not yet have seen id 100. <c>document_search_progress</c> keeps a high-water mark below
/// which every document is indexed, and a pass indexes what is missing above it (an anti-join over a range of the primary
/// key). The mark moves only to a point known to be settled: each pass notes the sequence's last value and the
/// transactions then running on this database (their virtual ids, which every transaction has from its start, before it
/// takes an id); once none of those is running any more, every id up to that value is committed or never will be. So a
/// late commit is never skipped, registration pays nothing (no trigger, no queue table), and the rescanned range is what
/// arrived in about one pass.
/// </para>
/// <para>
/// Each batch is a transaction holding <see cref="AdvisoryLocks.SearchIndex"/>: of several API processes one indexes at a
/// time and the others skip their pass, so no text is turned into words twice. One instance serves one host; its passes
/// run one at a time.
/// </para>
/// </summary>
public sealed class SearchIndexer(NpgsqlDataSource dataSource)
{
    /// <summary>The backlog <see cref="BacklogAsync"/> counts up to: past it the figure only says "a lot".</summary>
    public const int BacklogCap = 1_000_000;

    /// <summary>
    /// Documents not yet indexed: those above the high-water mark without words in <c>document_search</c> (capped at
    /// <see cref="BacklogCap"/>). A range scan of the primary keys from the mark, which trails the newest id by about a pass.
    /// </summary>
    internal static readonly string BacklogSql = $"""
        SELECT count(*) FROM (
            SELECT 1 FROM document_texts t
             WHERE t.document_id > (SELECT p.indexed_through FROM document_search_progress p)
               AND NOT EXISTS (SELECT 1 FROM document_search s WHERE s.document_id = t.document_id)
             LIMIT {BacklogCap}) waiting
        """;

    static readonly string IndexBatchSql = $"""
        INSERT INTO document_search (document_id, vector)
        SELECT t.document_id, {DocumentSearch.TextVectorSql}
          FROM document_texts t
         WHERE t.document_id > @after
           AND NOT EXISTS (SELECT 1 FROM document_search s WHERE s.document_id = t.document_id)
         ORDER BY t.document_id
         LIMIT @limit
        ON CONFLICT (document_id) DO NOTHING
        RETURNING document_id
        """;

    // The transactions of registration are client backends on this database; a long vacuum or another database's
    // sessions cannot have taken one of its ids, so they do not hold the mark back.
    const string RunningSql = """
        SELECT coalesce(array_agg(l.virtualxid::text), '{}') FROM pg_locks l
         WHERE l.locktype = 'virtualxid' AND l.pid <> pg_backend_pid()
           AND l.pid IN (SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_type = 'client backend')
        """;

    /// <summary>The sequence's last value and what was running just after it was read, oldest first.</summary>
    readonly Queue<(long LastId, string[] Running)> _observations = new();

    long _lastObserved = -1;

    readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>
    /// Indexes every committed document above the high-water mark that has no words yet, <paramref name="batchSize"/>
    /// at a time, and moves the mark as far as is settled. With <paramref name="wait"/> it waits for another indexer's
    /// batch instead of leaving the work to it: what a caller that must see its own documents indexed wants.
    /// </summary>
    public async Task<SearchIndexPass> RunAsync(int batchSize, bool wait, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            var settled = await SettledThroughAsync(conn, ct);
            await ObserveAsync(conn, ct);
            var indexed = 0;
            long? after = null;
            while (true)
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                if (!await AdvisoryLocks.SearchIndexAsync(conn, wait, ct))
                {
                    return new SearchIndexPass(false, indexed, await IndexedThroughAsync(conn, ct));
                }
                var mark = await IndexedThroughAsync(conn, ct);
                after ??= mark;
                var ids = new List<long>(batchSize);
                await using (var cmd = new NpgsqlCommand(IndexBatchSql, conn))
                {
                    cmd.Parameters.Add(new NpgsqlParameter<long>("after", after.Value));
                    cmd.Parameters.Add(new NpgsqlParameter<int>("limit", batchSize));
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }
                indexed += ids.Count;
                var drained = ids.Count < batchSize;
                // Every settled id is visible to this pass, which began after it settled, so everything the pass has
                // scanned up to a settled id is indexed: the whole of it once drained, otherwise up to this batch's last.
                var through = drained ? settled : Math.Min(settled, ids.Max());
                if (through > mark)
                {
                    await using var move = new NpgsqlCommand(
                        "UPDATE document_search_progress SET indexed_through = greatest(indexed_through, @through)", conn);
                    move.Parameters.Add(new NpgsqlParameter<long>("through", through));
                    await move.ExecuteNonQueryAsync(ct);
                    mark = through;
                }
                await tx.CommitAsync(ct);
                if (drained)
                {
                    return new SearchIndexPass(true, indexed, Math.Max(mark, await IndexedThroughAsync(conn, ct)));
                }
                after = ids.Max();
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Documents registered and not yet searchable by their words (up to <see cref="BacklogCap"/>).</summary>
    public async Task<long> BacklogAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(BacklogSql);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The last id of the newest earlier observation none of whose transactions is still running (0 if none).</summary>
    async Task<long> SettledThroughAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        long settled = 0;
        while (_observations.TryPeek(out var oldest))
        {
            if (oldest.Running.Length > 0)
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid::text = ANY(@running)", conn);
                cmd.Parameters.Add(new NpgsqlParameter<string[]>("running", oldest.Running));
                if ((long)(await cmd.ExecuteScalarAsync(ct))! > 0)
                {
                    break;
                }
            }
            settled = oldest.LastId;
            _observations.Dequeue();
        }
        return settled;
    }

    /// <summary>
    /// Notes the sequence's last value, then the transactions running: any that took an id up to that value and has not
    /// committed is among them, since it took the id inside its transaction.
    /// </summary>
    async Task ObserveAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var last = new NpgsqlCommand("SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('documents', 'id')), 0)", conn);
        var lastId = (long)(await last.ExecuteScalarAsync(ct))!;
        await using var running = new NpgsqlCommand(RunningSql, conn);
        var ids = (string[])(await running.ExecuteScalarAsync(ct))!;
        // No id taken since the last observation: that one, still waiting, covers this one.
        if (lastId > _lastObserved)
        {
            _observations.Enqueue((lastId, ids));
            _lastObserved = lastId;
        }
    }

    static async Task<long> IndexedThroughAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT indexed_through FROM document_search_progress", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
