using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Assertions;
using Provenance.Data.Derived;
using Provenance.Data.Generators;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;

namespace Provenance.Data.Registration;

/// <summary>
/// The set-based write path of registration: binary COPY of a batch's rows into session-scoped staging tables,
/// then one merge statement per registry table. It takes any item: texts seen before, texts sent twice in one
/// batch, parents by id or by hash, edges that wait for a parent and edges that waited for this document.
/// </summary>
internal static class StagedMerge
{
    // Staging tables live as long as the pooled connection (the data source keeps session state between uses, see
    // RegistryDatabase): creating four temp tables per batch cost more catalog work than the batch's own rows.
    const string CreateStagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS stage_docs (content_hash bytea PRIMARY KEY, char_count int NOT NULL,
            token_count int NOT NULL, language text, licence text, first_seen timestamptz, last_seen timestamptz,
            class text, generator_id int);
        CREATE TEMP TABLE IF NOT EXISTS stage_sightings (content_hash bytea NOT NULL, uri text, crawled_at timestamptz, crawler text);
        CREATE TEMP TABLE IF NOT EXISTS stage_declared (ord int NOT NULL, content_hash bytea NOT NULL, asserter text NOT NULL, class text NOT NULL,
            confidence float8, generator_id int, evidence jsonb);
        CREATE TEMP TABLE IF NOT EXISTS stage_parents (content_hash bytea NOT NULL, parent_id bigint, parent_hash bytea, relation text NOT NULL,
            generator_id int, params_hash text);
        """;

    // Every statement below reaches the registry's tables from staged rows by KeyProbe, one lookup per staged row: a
    // join lets the planner hash a whole (partitioned) table instead, a cost that grows with the registry.
    static string DocumentOf(string hash, string alias) => KeyProbe.Join("document_id", "document_hashes", "content_hash", hash, alias);

    // Parents named by hash that are registered become ids; the others stay null and become pending edges.
    static readonly string ResolveParentsSql = $"""
        UPDATE stage_parents p SET parent_id = {KeyProbe.Lookup("document_id", "document_hashes", "content_hash", "p.parent_hash")}
         WHERE p.parent_id IS NULL
        """;

    // A text's document is created by whoever claims its hash in document_hashes (the one unique index on it): texts
    // not registered yet are claimed here, in hash order, with ids from the documents' sequence, and get their
    // document in the same statement. A hash that a concurrent writer claims first is left alone (ON CONFLICT waits
    // for that writer to commit); UpdateDocumentsSql then finds its document, in a statement of its own, whose
    // snapshot sees that commit.
    static readonly string InsertDocumentsSql = $"""
        WITH claimed AS (
            INSERT INTO document_hashes (content_hash, document_id)
            SELECT s.content_hash, nextval(pg_get_serial_sequence('documents', 'id'))
              FROM stage_docs s
                   {KeyProbe.LeftJoin("true AS found", "document_hashes", "content_hash", "s.content_hash", "h")}
             WHERE h.found IS NULL
             ORDER BY s.content_hash
            ON CONFLICT (content_hash) DO NOTHING
            RETURNING content_hash, document_id)
        INSERT INTO documents (id, content_hash, char_count, token_count, language, licence, first_seen, last_seen,
                               class, generator_id, depth, source_domain, decided_by)
        OVERRIDING SYSTEM VALUE
        SELECT c.document_id, s.content_hash, s.char_count, s.token_count, s.language, s.licence,
               COALESCE(s.first_seen, now()), COALESCE(s.last_seen, now()),
               COALESCE(s.class, '{WireNames.Of(ProvenanceClass.Unknown)}')::provenance_class, s.generator_id,
               -- A new document's only assertion is this declaration, and its parents are staged.
               {GenerationDepthSql.Of($"COALESCE(s.class, '{WireNames.Of(ProvenanceClass.Unknown)}')",
                   hasPendingParents: "pp.pending", hasParentOfUnknownDepth: "pp.unknown_depth", maxParentDepth: "pp.max_depth")},
               sd.domain,
               CASE WHEN s.class IS NOT NULL THEN '{WireNames.Of(AssertionKind.Declared)}'::assertion_kind END
          FROM claimed c
          JOIN stage_docs s ON s.content_hash = c.content_hash
          LEFT JOIN (SELECT p.content_hash, bool_or(p.parent_id IS NULL) AS pending,
                            bool_or(p.parent_id IS NOT NULL AND pd.depth IS NULL) AS unknown_depth, max(pd.depth) AS max_depth
                       FROM stage_parents p {KeyProbe.LeftJoin("depth", "documents", "id", "p.parent_id", "pd")}
                      GROUP BY p.content_hash) pp ON pp.content_hash = s.content_hash
          -- The source domain is the host of the earliest sighting with a URI when the document first gets one, and
          -- then stays: dataset filters on it must not change their answer as crawls go on.
          LEFT JOIN (SELECT DISTINCT ON (ss.content_hash) ss.content_hash, source_domain_of(ss.uri) AS domain
                       FROM stage_sightings ss WHERE ss.uri IS NOT NULL
                      ORDER BY ss.content_hash, ss.crawled_at NULLS LAST, ss.uri) sd ON sd.content_hash = s.content_hash
         ORDER BY c.document_id
        RETURNING id, content_hash
        """;

    // The staged texts that were registered already (@h: those InsertDocumentsSql did not create). Their rows are
    // locked in id order first, so that two writers updating the same documents cannot deadlock.
    // The documents are joined, not probed, so that FOR UPDATE can lock them; the planner takes unnest(@h) for a few
    // rows and makes the join a nested loop of lookups by id, pruned at run time.
    static readonly string UpdateDocumentsSql = $"""
        WITH target AS (
            SELECT d.id, s.first_seen, s.last_seen, s.language, s.licence, sd.domain
              FROM unnest(@h) AS x(content_hash)
                   {DocumentOf("x.content_hash", "h")}
              JOIN documents d ON d.id = h.document_id
              JOIN stage_docs s ON s.content_hash = x.content_hash
              LEFT JOIN (SELECT DISTINCT ON (ss.content_hash) ss.content_hash, source_domain_of(ss.uri) AS domain
                           FROM stage_sightings ss WHERE ss.uri IS NOT NULL
                          ORDER BY ss.content_hash, ss.crawled_at NULLS LAST, ss.uri) sd ON sd.content_hash = x.content_hash
             ORDER BY d.id
               FOR UPDATE OF d)
        UPDATE documents d
           SET first_seen = LEAST(d.first_seen, COALESCE(t.first_seen, now())),
               last_seen = GREATEST(d.last_seen, COALESCE(t.last_seen, now())),
               language = COALESCE(d.language, t.language),
               licence = COALESCE(d.licence, t.licence),
               source_domain = COALESCE(d.source_domain, t.domain)
          FROM target t
         WHERE d.id = t.id
        RETURNING d.id, d.content_hash
        """;

    static readonly string InsertSightingsSql = $"""
        INSERT INTO sightings (document_id, uri, crawled_at, crawler)
        SELECT h.document_id, s.uri, COALESCE(s.crawled_at, now()), s.crawler
          FROM stage_sightings s {DocumentOf("s.content_hash", "h")}
        ON CONFLICT DO NOTHING
        """;

    // A declaration that repeats the registrant's latest one for the document is not appended again, by the rule
    // every assertion writer follows.
    static readonly string InsertDeclaredSql = $"""
        INSERT INTO assertions (document_id, kind, asserted_by, class, confidence, generator_id, evidence)
        SELECT h.document_id, 'declared', s.asserter, s.class::provenance_class, s.confidence, s.generator_id, s.evidence
          FROM stage_declared s {DocumentOf("s.content_hash", "h")}
         WHERE NOT {RepeatedAssertion.Sql("h.document_id", "'declared'", "s.asserter", "s.class::provenance_class", "s.confidence", "s.generator_id")}
         ORDER BY s.ord
        RETURNING document_id
        """;

    static readonly string InsertEdgesSql = $"""
        INSERT INTO pending_edges (child_id, parent_content_hash, relation, generator_id, params_hash)
        SELECT c.document_id, p.parent_hash, p.relation::lineage_relation, p.generator_id, p.params_hash
          FROM stage_parents p {DocumentOf("p.content_hash", "c")}
         WHERE p.parent_id IS NULL
         ORDER BY c.document_id
        ON CONFLICT DO NOTHING;
        INSERT INTO lineage_edges (child_id, parent_id, relation, generator_id, params_hash)
        SELECT c.document_id, p.parent_id, p.relation::lineage_relation, p.generator_id, p.params_hash
          FROM stage_parents p {DocumentOf("p.content_hash", "c")}
         WHERE p.parent_id IS NOT NULL AND p.parent_id <> c.document_id
         ORDER BY c.document_id, p.parent_id
        ON CONFLICT DO NOTHING
        RETURNING child_id
        """;

    // Edges that waited for one of these documents become real edges; their children's depths are refreshed.
    static readonly string ResolvePendingSql = $"""
        WITH moved AS (
            DELETE FROM pending_edges pe
             USING stage_docs s {DocumentOf("s.content_hash", "h")}
             WHERE pe.parent_content_hash = s.content_hash
            RETURNING pe.child_id, h.document_id AS parent_id, pe.relation, pe.generator_id, pe.params_hash),
        inserted AS (
            INSERT INTO lineage_edges (child_id, parent_id, relation, generator_id, params_hash)
            SELECT child_id, parent_id, relation, generator_id, params_hash FROM moved WHERE child_id <> parent_id
            ON CONFLICT DO NOTHING)
        SELECT DISTINCT child_id FROM moved
        """;

    /// <summary>
    /// The statements that read the registry's tables for every staged row, for the test that checks they only look rows
    /// up. <see cref="UpdateDocumentsSql"/> is not one of them: it must join <c>documents</c> to lock the rows.
    /// </summary>
    internal static IEnumerable<string> Statements =>
        [ResolveParentsSql, InsertDocumentsSql, InsertSightingsSql, InsertDeclaredSql, InsertEdgesSql, ResolvePendingSql];

    /// <summary>Creates this session's staging tables unless it has them.</summary>
    public static Task CreateStagingAsync(NpgsqlConnection conn, CancellationToken ct) => ExecuteAsync(conn, CreateStagingSql, ct);

    /// <summary>
    /// Writes <paramref name="items"/> set-based and returns the document id of every item's hash. Documents created
    /// here get their class and depth at insert; only what changes existing documents is left for
    /// <see cref="DerivedState"/> to refresh.
    /// </summary>
    public static async Task<Dictionary<ContentHash, long>> WriteAsync(
        NpgsqlConnection conn, IReadOnlyList<RegistrationItem> items, RegistrationEffects effects, CancellationToken ct)
    {
        using var span = RegistryTelemetry.Source.StartActivity("registration.merge");
        span?.SetTag("provenance.documents", items.Count);
        await ExecuteAsync(conn, "TRUNCATE stage_docs, stage_sightings, stage_declared, stage_parents", ct);
        var generators = await GeneratorStore.EnsureAsync(conn,
            items.SelectMany(i => i.S.Parents.Select(p => p.Generator).Append(i.S.Declared?.Generator)), ct);
        var rows = StagedRows.Of(items);
        await StageAsync(conn, rows, generators, ct);
        if (rows.Parents.Count > 0)
        {
            await ExecuteAsync(conn, ResolveParentsSql, ct);
        }

        var ids = new Dictionary<ContentHash, long>();
        var created = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand(InsertDocumentsSql, conn))
        {
            await ReadDocumentsAsync(cmd, ids, created, ct);
        }
        var registered = rows.Documents.Select(d => d.Item.S.Hash).Where(h => !ids.ContainsKey(h)).Select(h => h.ToArray()).ToArray();
        if (registered.Length > 0)
        {
            await using var cmd = new NpgsqlCommand(UpdateDocumentsSql, conn);
            cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", registered));
            await ReadDocumentsAsync(cmd, ids, null, ct);
        }
        if (created.Count > 0)
        {
            var written = new HashSet<long>();
            await BinaryCopy.TextsAsync(conn, items.Select(i => (Id: ids[i.S.Hash], i.S.Text)).Where(t => created.Contains(t.Id) && written.Add(t.Id)), ct);
        }
        await ExecuteAsync(conn, InsertSightingsSql, ct);
        var asserted = new HashSet<long>();
        await ReadIdsAsync(conn, InsertDeclaredSql, asserted, ct);
        var edgeChildren = new HashSet<long>();
        if (rows.Parents.Count > 0)
        {
            await ReadIdsAsync(conn, InsertEdgesSql, edgeChildren, ct);
        }
        await ReadIdsAsync(conn, ResolvePendingSql, edgeChildren, ct);

        effects.Created.UnionWith(created);
        effects.ClassChanged.UnionWith(asserted.Where(id => !created.Contains(id)));
        effects.DepthChanged.UnionWith(asserted.Concat(edgeChildren).Where(id => !created.Contains(id)));
        return ids;
    }

    static async Task StageAsync(NpgsqlConnection conn, StagedRows rows, Dictionary<GeneratorName, int> generators, CancellationToken ct)
    {
        using var span = RegistryTelemetry.Source.StartActivity("registration.stage");
        span?.SetTag("provenance.documents", rows.Documents.Count);
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY stage_docs (content_hash, char_count, token_count, language, licence, first_seen, last_seen, class, generator_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (item, first, last, declared) in rows.Documents)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(item.S.CharCount, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(item.TokenCount, NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(item.S.Language, NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(item.S.Licence, NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(first, NpgsqlDbType.TimestampTz, ct);
                await w.WriteNullableAsync(last, NpgsqlDbType.TimestampTz, ct);
                await w.WriteNullableAsync(declared is null ? null : WireNames.Of(declared.Class), NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(declared?.Generator is { } g ? generators[g] : (int?)null, NpgsqlDbType.Integer, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY stage_sightings (content_hash, uri, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var item in rows.Sightings)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteNullableAsync(item.S.Uri, NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(item.S.CrawledAt, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }

        if (rows.Declarations.Count > 0)
        {
            await using var w = await conn.BeginBinaryImportAsync(
                "COPY stage_declared (ord, content_hash, asserter, class, confidence, generator_id, evidence) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var item in rows.Declarations)
            {
                var d = item.S.Declared!;
                await w.StartRowAsync(ct);
                await w.WriteAsync(item.Index, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
                await w.WriteAsync(WireNames.Of(d.Class), NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(d.Confidence, NpgsqlDbType.Double, ct);
                await w.WriteNullableAsync(d.Generator is null ? null : (int?)generators[d.Generator], NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(d.EvidenceJson, NpgsqlDbType.Jsonb, ct);
            }
            await w.CompleteAsync(ct);
        }

        if (rows.Parents.Count > 0)
        {
            await using var w = await conn.BeginBinaryImportAsync(
                "COPY stage_parents (content_hash, parent_id, parent_hash, relation, generator_id, params_hash) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (hash, p, generator) in rows.Parents)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteNullableAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteNullableAsync(p.Hash?.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(WireNames.Of(p.Relation), NpgsqlDbType.Text, ct);
                await w.WriteNullableAsync(generator is null ? null : (int?)generators[generator], NpgsqlDbType.Integer, ct);
                await w.WriteNullableAsync(p.ParamsHash, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
    }

    static async Task ReadDocumentsAsync(NpgsqlCommand cmd, Dictionary<ContentHash, long> ids, HashSet<long>? created, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            ids[new ContentHash(reader.GetFieldValue<byte[]>(1))] = id;
            created?.Add(id);
        }
    }

    static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task ReadIdsAsync(NpgsqlConnection conn, string sql, HashSet<long> into, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        do
        {
            while (await reader.ReadAsync(ct))
            {
                into.Add(reader.GetInt64(0));
            }
        }
        while (await reader.NextResultAsync(ct));
    }
}
