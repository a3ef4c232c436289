using Npgsql;
using NpgsqlTypes;

namespace Provenance.Data.OpenLineage;

/// <summary>One outbox row a sender has claimed.</summary>
public sealed record ClaimedLineageEvent(long Id, Guid RunId, string EventType, string Payload, int Attempts);

/// <summary>
/// The OpenLineage outbox (<c>lineage_outbox</c>): run events are written here in the transaction whose outcome they report,
/// and a sender in the API (<c>LineageDelivery</c>) claims, sends and marks them. Hand-written SQL because the claim
/// needs <c>FOR UPDATE SKIP LOCKED</c>, which EF cannot express. Without <see cref="Settings"/> (OpenLineage not
/// configured) nothing is written: an outbox no one drains would only grow.
/// </summary>
public sealed class LineageOutbox(NpgsqlDataSource dataSource, LineageSettings? settings)
{
    public LineageSettings? Settings => settings;

    public bool Enabled => settings is not null;

    /// <summary>
    /// Adds an event in the caller's transaction on <paramref name="conn"/>. A run has one START and one end (COMPLETE or
    /// FAIL): the unique indexes make a second one a no-op, so the first end written is the run's end.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection conn, Guid runId, string eventType, string payload, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO lineage_outbox (run_id, event_type, payload) VALUES (@run, @type, @payload)
            ON CONFLICT DO NOTHING
            """, conn);
        insert.Parameters.Add(new NpgsqlParameter<Guid>("run", runId));
        insert.Parameters.Add(new NpgsqlParameter<string>("type", eventType));
        insert.Parameters.Add(new NpgsqlParameter<string>("payload", NpgsqlDbType.Json) { TypedValue = payload });
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds an event in a transaction of its own (a START, or the end of a run that stored nothing).</summary>
    public async Task AddAsync(Guid runId, string eventType, string payload, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await AddAsync(conn, runId, eventType, payload, ct);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due events, oldest first, for <paramref name="lease"/>: another sender skips
    /// them (they are locked while this claim commits, then not due until the lease ends), so two API processes never
    /// send the same row at the same time. An event whose run has an earlier event still waiting elsewhere is left for
    /// later, so a run's START always goes before its COMPLETE or FAIL.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedLineageEvent>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var claim = new NpgsqlCommand("""
            WITH due AS (
                SELECT o.id FROM lineage_outbox o
                 WHERE o.sent_at IS NULL AND o.next_attempt_at <= now()
                   AND NOT EXISTS (SELECT 1 FROM lineage_outbox e
                                    WHERE e.run_id = o.run_id AND e.id < o.id AND e.sent_at IS NULL AND e.next_attempt_at > now())
                 ORDER BY o.next_attempt_at, o.id
                 LIMIT @limit
                 FOR UPDATE SKIP LOCKED)
            UPDATE lineage_outbox o SET next_attempt_at = now() + @lease, attempts = o.attempts + 1
              FROM due WHERE o.id = due.id
            RETURNING o.id, o.run_id, o.event_type, o.payload::text, o.attempts
            """, conn);
        claim.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        claim.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", lease));
        var claimed = new List<ClaimedLineageEvent>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedLineageEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }
        return [.. claimed.OrderBy(e => e.Id)];
    }

    /// <summary>The receiver accepted the event: it is never sent again.</summary>
    public async Task MarkSentAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var mark = new NpgsqlCommand("UPDATE lineage_outbox SET sent_at = now(), last_error = NULL WHERE id = @id", conn);
        mark.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await mark.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sending failed: the events are tried again after <paramref name="delay"/>, and <paramref name="error"/> is kept for operators.</summary>
    public async Task PostponeAsync(IEnumerable<long> ids, TimeSpan delay, string error, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var postpone = new NpgsqlCommand("""
            UPDATE lineage_outbox SET next_attempt_at = now() + @delay, last_error = left(@error, 1000)
             WHERE id = ANY(@ids) AND sent_at IS NULL
            """, conn);
        postpone.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids]));
        postpone.Parameters.Add(new NpgsqlParameter<TimeSpan>("delay", delay));
        postpone.Parameters.Add(new NpgsqlParameter<string>("error", error));
        await postpone.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Events not yet delivered (what the <c>provenance.openlineage.outbox.backlog</c> gauge reports).</summary>
    public async Task<long> BacklogAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM lineage_outbox WHERE sent_at IS NULL", conn);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}
