using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Generators;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
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
/// writers may still both see a text as new. The unique index on the content hash then stops the second COPY, and
/// <see cref="RegisterAsync"/> runs that batch again through the staged merge, which does not mind.
/// </remarks>
public sealed partial class RegistrationWriter
{
    /// <summary>The items that can take the direct path, with the source domain of each one's URI.</summary>
    static Dictionary<ContentHash, (Item Item, string? Domain)> NewDocumentsWithoutLineage(
        List<Item> live, HashSet<ContentHash> existing, HashSet<ContentHash> pendingTargets)
    {
        var occurrences = new Dictionary<ContentHash, int>(live.Count);
        foreach (var item in live)
        {
            occurrences[item.S.Hash] = occurrences.GetValueOrDefault(item.S.Hash) + 1;
        }
        var fresh = new Dictionary<ContentHash, (Item, string?)>(live.Count);
        foreach (var item in live)
        {
            // A text sent twice in one batch, or with a URI whose domain only SQL can judge, goes through the merge,
            // which picks its earliest sighting and computes the domain in the database.
            string? domain = null;
            if (item.S.Parents.Count == 0 && occurrences[item.S.Hash] == 1
                && !existing.Contains(item.S.Hash) && !pendingTargets.Contains(item.S.Hash)
                && (item.S.Uri is null || SourceDomain.TryFromPlainUri(item.S.Uri, out domain)))
            {
                fresh[item.S.Hash] = (item, domain);
            }
        }
        return fresh;
    }

    async Task<Dictionary<ContentHash, DocumentState>> InsertNewDocumentsAsync(
        NpgsqlConnection conn, Dictionary<ContentHash, (Item Item, string? Domain)> fresh, Effects effects, CancellationToken ct)
    {
        // In content-hash order, like the merge: two writers that meet on the unique index then wait in one order.
        var rows = fresh.Values.ToList();
        rows.Sort((a, b) => a.Item.S.Hash.Bytes.SequenceCompareTo(b.Item.S.Hash.Bytes));
        var generators = await GeneratorStore.EnsureAsync(conn, rows.Select(r => r.Item.S.Declared?.Generator), ct);
        var (now, ids) = await AllocateIdsAsync(conn, rows.Count, ct);
        var state = new Dictionary<ContentHash, DocumentState>(rows.Count);

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
                await WriteNullableAsync(w, item.S.Language, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, item.S.Licence, NpgsqlDbType.Text, ct);
                await w.WriteAsync(seen, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(seen, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(cls, "provenance_class", ct);
                await WriteNullableAsync(w, declared?.Generator is { } g ? generators[g] : (int?)null, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, depth, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, domain, NpgsqlDbType.Text, ct);
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

        await CopyTextsAsync(conn, rows.Select((r, i) => (ids[i], r.Item.S.Text)), ct);

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY sightings (document_id, uri, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var item = rows[i].Item;
                await w.StartRowAsync(ct);
                await w.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(w, item.S.Uri, NpgsqlDbType.Text, ct);
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
                await WriteNullableAsync(w, d.Confidence, NpgsqlDbType.Double, ct);
                await WriteNullableAsync(w, d.Generator is null ? null : (int?)generators[d.Generator], NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, d.EvidenceJson, NpgsqlDbType.Jsonb, ct);
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
