using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Delivery;

namespace Provenance.Data.OpenLineage;

/// <summary>One outbox row a sender has claimed.</summary>
public sealed record ClaimedLineageEvent(long Id, Guid RunId, string EventType, string Payload, int Attempts);

/// <summary>
/// OpenLineage's rows of the outbox (<see cref="Outbox"/>, destination <c>openlineage</c>): run events are written here in
/// the transaction whose outcome they report, and a sender in the API (<c>LineageDelivery</c>) claims, sends and marks
/// them with the rules every destination shares. Without <see cref="Settings"/> (OpenLineage not
/// configured) nothing is written: an outbox no one drains would only grow.
/// </summary>
public sealed class LineageOutbox(NpgsqlDataSource dataSource, LineageSettings? settings)
{
    readonly Outbox _outbox = new(dataSource);

    public LineageSettings? Settings => settings;

    public bool Enabled => settings is not null;

    /// <summary>
    /// Adds an event in the caller's transaction on <paramref name="conn"/>. A run has one START and one end (COMPLETE or
    /// FAIL): the unique indexes make a second one a no-op, so the first end written is the run's end.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection conn, Guid runId, string eventType, string payload, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO outbox (destination, run_id, event_type, payload) VALUES (@destination, @run, @type, @payload)
            ON CONFLICT DO NOTHING
            """, conn);
        insert.Parameters.Add(new NpgsqlParameter<string>("destination", OutboxDestinations.OpenLineage));
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

    /// <summary>Claims due run events (<see cref="Outbox.ClaimAsync"/>, whose rules every destination shares).</summary>
    public async Task<IReadOnlyList<ClaimedLineageEvent>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct) =>
        [.. (await _outbox.ClaimAsync(OutboxDestinations.OpenLineage, limit, lease, ct))
            .Select(e => new ClaimedLineageEvent(e.Id, e.RunId!.Value, e.EventType, e.Payload, e.Attempts))];

    /// <summary>The receiver accepted the event: it is never sent again.</summary>
    public Task MarkSentAsync(long id, CancellationToken ct) => _outbox.MarkSentAsync(id, ct);

    /// <summary>Sending failed: the events are tried again after <paramref name="delay"/>, and <paramref name="error"/> is kept for operators.</summary>
    public Task PostponeAsync(IEnumerable<long> ids, TimeSpan delay, string error, CancellationToken ct) => _outbox.PostponeAsync(ids, delay, error, ct);
}
