using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Generators;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Registration;

/// <summary>
/// The direct path for the bulk of a crawl: texts the registry has never seen, without parents, that no pending
/// edge waits for. Nothing about them depends on what is already stored, so they skip the staging tables and the
/// merge: their ids come from the identity sequence, their class and depth follow from their declaration alone,
/// and their rows go into <c>documents</c>, <c>document_texts</c>, <c>sightings</c> and <c>assertions</c> by binary
/// COPY, which is the least that storing them costs.
/// </summary>
/// <remarks>
/// The bucket locks make "not registered, nothing pending on it" stable against writers of pending edges, but two
/// writers may still both see a text as new. The primary key of <c>document_hashes</c>, which is copied first, then
/// stops the second COPY, and <see cref="RegistrationWriter.RegisterAsync"/> runs that batch again through the staged
/// merge, which does not mind.
/// </remarks>
internal static class NewDocumentCopy
{
    /// <summary>Writes <paramref name="rows"/> (in content-hash order) and returns the state of each new document.</summary>
    public static async Task<Dictionary<ContentHash, DocumentState>> InsertAsync(
        NpgsqlConnection conn, IReadOnlyList<DirectDocument> rows, RegistrationEffects effects, CancellationToken ct)
    {
        var state = new Dictionary<ContentHash, DocumentState>(rows.Count);
        if (rows.Count == 0)
        {
            return state;
        }
        using var span = RegistryTelemetry.Source.StartActivity("registration.copy");
        span?.SetTag("provenance.documents", rows.Count);
        var generators = await GeneratorStore.EnsureAsync(conn, rows.Select(r => r.Item.S.Declared?.Generator), ct);
        var (now, ids) = await AllocateIdsAsync(conn, rows.Count, ct);

        await using (var w = await conn.BeginBinaryImportAsync("COPY document_hashes (content_hash, document_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(rows[i].Item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY documents (id, content_hash, char_count, token_count, language, licence, first_seen, last_seen, class, generator_id,
                            depth, source_domain, decided_by) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var (item, domain) = rows[i];
                var declared = item.S.Declared;
                var seen = item.S.CrawledAt ?? now;
                var cls = declared?.Class ?? ProvenanceClass.Unknown;
                // Its only assertion is its declaration, and it has no parents.
                var depth = GenerationDepth.Of(cls, [], hasPendingParents: false);
                await w.StartRowAsync(ct);
                await w.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(item.S.CharCount, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(item.TokenCount, NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(item.S.Language, NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(item.S.Licence, NpgsqlDbType.Text, ct);
                await w.WriteAsync(seen, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(seen, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(cls, "provenance_class", ct);
                await w.WriteNullableAsync(declared?.Generator is { } g ? generators[g] : (int?)null, NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(depth, NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(domain, NpgsqlDbType.Text, ct);
                if (declared is null)
                {
                    await w.WriteNullAsync(ct);
                }
                else
                {
                    await w.WriteAsync(AssertionKind.Declared, "assertion_kind", ct);
                }
                state[item.S.Hash] = new DocumentState(ids[i], cls, depth, 0);
            }
            await w.CompleteAsync(ct);
        }

        await BinaryCopy.TextsAsync(conn, rows.Select((r, i) => (ids[i], r.Item.S.Text)), ct);

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY sightings (document_id, uri, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var item = rows[i].Item;
                await w.StartRowAsync(ct);
                await w.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await w.WriteNullableAsync(item.S.Uri, NpgsqlDbType.Text, ct);
                await w.WriteAsync(item.S.CrawledAt ?? now, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }

        // The declaration is a new document's whole history; in batch order, as the merge appends them.
        var declarations = Enumerable.Range(0, rows.Count).Where(i => rows[i].Item.S.Declared is not null).OrderBy(i => rows[i].Item.Index).ToList();
        if (declarations.Count > 0)
        {
            await using var w = await conn.BeginBinaryImportAsync(
                "COPY assertions (document_id, kind, asserted_by, class, confidence, generator_id, evidence) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var i in declarations)
            {
                var item = rows[i].Item;
                var d = item.S.Declared!;
                await w.StartRowAsync(ct);
                await w.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(AssertionKind.Declared, "assertion_kind", ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
                await w.WriteAsync(d.Class, "provenance_class", ct);
                await w.WriteNullableAsync(d.Confidence, NpgsqlDbType.Double, ct);
                await w.WriteNullableAsync(d.Generator is null ? null : (int?)generators[d.Generator], NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(d.EvidenceJson, NpgsqlDbType.Jsonb, ct);
            }
            await w.CompleteAsync(ct);
        }

        effects.Created.UnionWith(ids);
        return state;
    }

    /// <summary>Takes <paramref name="count"/> ids from the documents' identity sequence, and the transaction's time.</summary>
    static async Task<(DateTimeOffset Now, long[] Ids)> AllocateIdsAsync(NpgsqlConnection conn, int count, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT now(), array(SELECT nextval(pg_get_serial_sequence('documents', 'id')) FROM generate_series(1, @n))
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<int>("n", count));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<long[]>(1));
    }
}
