using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Delivery;

namespace Provenance.Data.Webhooks;

/// <summary>An event to fan out to the subscriptions that want its type; <paramref name="Data"/> is a record of <c>Provenance.Contracts.Webhooks</c>.</summary>
public sealed record NewWebhookEvent(string Type, string Subject, object Data);

/// <summary>A webhook row's payload: the CloudEvent without the attributes the sender adds (<c>id</c>, <c>source</c>, <c>type</c>).</summary>
public sealed record StoredWebhookEvent(string Subject, DateTimeOffset Time, JsonElement Data);

/// <summary>
/// The webhooks' rows of the outbox (destination <c>webhook</c>): one row per event and subscription that wants it,
/// written in the caller's transaction, so each subscriber is retried on its own and an event exists only if what it
/// reports committed. Delivery is <c>WebhookDelivery</c>'s, with the rules every destination shares (<see cref="Outbox"/>).
/// </summary>
public static class WebhookOutbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Which of <paramref name="types"/> some subscription wants: the one cheap question asked before any work for an event.</summary>
    public static async Task<IReadOnlySet<string>> WantedAsync(NpgsqlConnection conn, IReadOnlyList<string> types, CancellationToken ct)
    {
        await using var wanted = new NpgsqlCommand(
            "SELECT DISTINCT t FROM webhook_subscriptions s, unnest(s.event_types) t WHERE t = ANY(@types)", conn);
        wanted.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. types]));
        var found = new HashSet<string>();
        await using var reader = await wanted.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetString(0));
        }
        return found;
    }

    /// <summary>
    /// Adds <paramref name="events"/> in the caller's transaction on <paramref name="conn"/>, one row per subscription that
    /// wants each, with a new idempotency id per row, in one statement. Events no one wants write nothing.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection conn, IReadOnlyList<NewWebhookEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }
        var now = DateTimeOffset.UtcNow;
        await using var insert = new NpgsqlCommand("""
            INSERT INTO outbox (destination, subscription_id, event_id, event_type, payload)
            SELECT @destination, s.id, gen_random_uuid(), e.type, e.payload::json
              FROM unnest(@types, @payloads) WITH ORDINALITY AS e(type, payload, ord)
              JOIN webhook_subscriptions s ON e.type = ANY(s.event_types)
             ORDER BY e.ord, s.id
            """, conn);
        insert.Parameters.Add(new NpgsqlParameter<string>("destination", OutboxDestinations.Webhook));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. events.Select(e => e.Type)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("payloads", [.. events.Select(e => JsonSerializer.Serialize(
            new StoredWebhookEvent(e.Subject, now, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), Json)), Json))])
        { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Reads a row's payload back (the sender).</summary>
    public static StoredWebhookEvent Read(string payload) => JsonSerializer.Deserialize<StoredWebhookEvent>(payload, Json)!;
}
