using Npgsql;
using Provenance.Contracts.Webhooks;
using Provenance.Data.Datasets;
using Provenance.Data.Derived;
using Provenance.Domain.Documents;

namespace Provenance.Data.Webhooks;

/// <summary>
/// The webhook events of the class changes one transaction makes: <c>document.class.changed</c> per document whose class
/// changed, and <c>dataset.base.reclassified</c> per stored dataset version holding any of them. Taken set-based, as the
/// detector appends thousands of assertions at once: one query for the classes before, one for those after, one for the
/// versions, one insert per type. <see cref="BeforeAsync"/> answers null, after one cheap query, when no subscription
/// wants either type, and nothing else is done.
/// </summary>
internal sealed class ClassChangeEvents
{
    static readonly string[] Types = [WebhookEventTypes.DocumentClassChanged, WebhookEventTypes.DatasetBaseReclassified];

    readonly IReadOnlySet<string> _wanted;
    readonly long[] _ids;
    readonly string[] _before;

    ClassChangeEvents(IReadOnlySet<string> wanted, long[] ids, string[] before) => (_wanted, _ids, _before) = (wanted, ids, before);

    /// <summary>The classes of <paramref name="documents"/> before the transaction changes them; call it under the lineage lock.</summary>
    public static async Task<ClassChangeEvents?> BeforeAsync(NpgsqlConnection conn, IReadOnlyCollection<long> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return null;
        }
        var wanted = await WebhookOutbox.WantedAsync(conn, Types, ct);
        if (wanted.Count == 0)
        {
            return null;
        }
        var ids = new List<long>(documents.Count);
        var before = new List<string>(documents.Count);
        await using var read = new NpgsqlCommand("SELECT id, class::text FROM documents WHERE id = ANY(@ids)", conn);
        read.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. documents]));
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
            before.Add(reader.GetString(1));
        }
        return new ClassChangeEvents(wanted, [.. ids], [.. before]);
    }

    static readonly string ChangedSql = $"""
        SELECT d.id, d.content_hash, b.class, d.class::text, a.id, a.kind::text, a.asserted_by
          FROM unnest(@ids, @before) AS b(id, class)
          JOIN documents d ON d.id = b.id
          LEFT JOIN ({DerivedState.DecidingAssertionSql}) x ON x.document_id = d.id
          LEFT JOIN assertions a ON a.id = x.id
         WHERE d.class::text <> b.class
         ORDER BY d.id
        """;

    const string VersionsSql = """
        SELECT v.id, ds.name, v.number, v.manifest_hash, count(*), (array_agg(m.document_id ORDER BY m.document_id))[1:@listed]
          FROM dataset_version_documents m
          JOIN dataset_versions v ON v.id = m.version_id
          JOIN datasets ds ON ds.id = v.dataset_id
         WHERE m.document_id = ANY(@changed)
         GROUP BY v.id, ds.name, v.number, v.manifest_hash
         ORDER BY v.id
        """;

    /// <summary>Writes the events of the changes made since <see cref="BeforeAsync"/>, in the same transaction.</summary>
    public async Task WriteAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var changed = new List<DocumentClassChanged>();
        await using (var read = new NpgsqlCommand(ChangedSql, conn))
        {
            read.Parameters.Add(new NpgsqlParameter<long[]>("ids", _ids));
            read.Parameters.Add(new NpgsqlParameter<string[]>("before", _before));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changed.Add(new DocumentClassChanged(reader.GetInt64(0), new ContentHash(reader.GetFieldValue<byte[]>(1)).ToString(),
                    reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : new DecidingAssertion(reader.GetInt64(4), reader.GetString(5), reader.GetString(6))));
            }
        }
        if (changed.Count == 0)
        {
            return;
        }
        var events = new List<NewWebhookEvent>();
        if (_wanted.Contains(WebhookEventTypes.DocumentClassChanged))
        {
            events.AddRange(changed.Select(c => new NewWebhookEvent(WebhookEventTypes.DocumentClassChanged, $"documents/{c.DocumentId}", c)));
        }
        if (_wanted.Contains(WebhookEventTypes.DatasetBaseReclassified))
        {
            await using var read = new NpgsqlCommand(VersionsSql, conn);
            read.Parameters.Add(new NpgsqlParameter<long[]>("changed", [.. changed.Select(c => c.DocumentId)]));
            read.Parameters.Add(new NpgsqlParameter<int>("listed", DatasetBaseReclassified.MaxListed));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var version = new DatasetBaseReclassified(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2),
                    ManifestFormat.ToText(reader.GetFieldValue<byte[]>(3)), reader.GetInt64(4), reader.GetFieldValue<long[]>(5));
                events.Add(new NewWebhookEvent(WebhookEventTypes.DatasetBaseReclassified, $"datasets/{version.Dataset}/versions/{version.Version}", version));
            }
        }
        await WebhookOutbox.AddAsync(conn, events, ct);
    }
}
