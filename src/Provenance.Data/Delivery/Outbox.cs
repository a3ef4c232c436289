using Npgsql;

namespace Provenance.Data.Delivery;

/// <summary>The senders that drain the outbox; each claims only its own rows.</summary>
public static class OutboxDestinations
{
    public const string OpenLineage = "openlineage";

    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [OpenLineage, Webhook];
}

/// <summary>One outbox row a sender has claimed.</summary>
public sealed record ClaimedOutboxRow(long Id, Guid? RunId, long? SubscriptionId, Guid? EventId, string EventType, string Payload, int Attempts,
    DateTimeOffset CreatedAt);

/// <summary>
/// The outbox (<c>outbox</c>): the one definition of claiming, leasing, marking and postponing that every sender uses
/// (OpenLineage's <c>LineageDelivery</c>, the webhooks' <c>WebhookDelivery</c>); what each writes is its own
/// (<c>LineageOutbox</c>, <c>WebhookOutbox</c>). Hand-written SQL because the claim needs <c>FOR UPDATE SKIP LOCKED</c>,
/// which EF cannot express.
/// </summary>
public sealed class Outbox(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows of <paramref name="destination"/>, oldest first, for
    /// <paramref name="lease"/>: another sender skips them (they are locked while this claim commits, then not due until
    /// the lease ends), so two API processes never send the same row at the same time. A row whose run has an earlier row
    /// still waiting elsewhere is left for later, so a run's START always goes before its COMPLETE or FAIL (rows without a
    /// run, webhooks', have no such order).
    /// </summary>
    public async Task<IReadOnlyList<ClaimedOutboxRow>> ClaimAsync(string destination, int limit, TimeSpan lease, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var claim = new NpgsqlCommand("""
            WITH due AS (
                SELECT o.id FROM outbox o
                 WHERE o.destination = @destination AND o.sent_at IS NULL AND o.next_attempt_at <= now()
                   AND NOT EXISTS (SELECT 1 FROM outbox e
                                    WHERE e.run_id = o.run_id AND e.id < o.id AND e.sent_at IS NULL AND e.next_attempt_at > now())
                 ORDER BY o.next_attempt_at, o.id
                 LIMIT @limit
                 FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET next_attempt_at = now() + @lease, attempts = o.attempts + 1
              FROM due WHERE o.id = due.id
            RETURNING o.id, o.run_id, o.subscription_id, o.event_id, o.event_type, o.payload::text, o.attempts, o.created_at
            """, conn);
        claim.Parameters.Add(new NpgsqlParameter<string>("destination", destination));
        claim.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        claim.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", lease));
        var claimed = new List<ClaimedOutboxRow>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedOutboxRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetGuid(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return [.. claimed.OrderBy(e => e.Id)];
    }

    /// <summary>The receiver accepted the row: it is never sent again.</summary>
    public async Task MarkSentAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var mark = new NpgsqlCommand("UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = @id", conn);
        mark.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await mark.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sending failed: the rows are tried again after <paramref name="delay"/>, and <paramref name="error"/> is kept for operators.</summary>
    public async Task PostponeAsync(IEnumerable<long> ids, TimeSpan delay, string error, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var postpone = new NpgsqlCommand("""
            UPDATE outbox SET next_attempt_at = now() + @delay, last_error = left(@error, 1000)
             WHERE id = ANY(@ids) AND sent_at IS NULL
            """, conn);
        postpone.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids]));
        postpone.Parameters.Add(new NpgsqlParameter<TimeSpan>("delay", delay));
        postpone.Parameters.Add(new NpgsqlParameter<string>("error", error));
        await postpone.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rows of <paramref name="destination"/> not yet delivered (what the backlog gauges report).</summary>
    public async Task<long> BacklogAsync(string destination, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE destination = @destination AND sent_at IS NULL", conn);
        count.Parameters.Add(new NpgsqlParameter<string>("destination", destination));
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}
