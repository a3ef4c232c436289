using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Data.Generators;
using Provenance.Domain.Generators;
using Provenance.Text.Tokens;

namespace Provenance.Data.Registration;

/// <summary>
/// Registers documents: the registry's main write path, shared by <c>POST /v1/documents</c>, the batch endpoint
/// and the bus consumer. It works set-based (binary COPY into staging tables, then one merge statement per
/// table) because crawlers send tens of thousands of documents a second and per-row EF inserts cannot keep up.
/// </summary>
/// <remarks>
/// <para>A batch behaves as if its items were registered one after another, in order, and it commits the valid
/// items even when others are rejected. Re-registering a text adds a sighting, never a second document.</para>
/// <para>Most items cannot create a lineage cycle (a new document that only points at existing ones) and go
/// through the set-based path together. The others (new parents for an existing document, a document that
/// resolves pending edges and also has parents, parents inside the same batch) are written one at a time under a
/// global lineage lock, each inside a savepoint that is rolled back if the item would close a cycle.</para>
/// <para>Pending edges are guarded by advisory locks on 256 buckets of the content hash: writers of new documents
/// hold their buckets shared, writers of pending edges hold theirs exclusive. So a document and an edge pending
/// on it can never pass each other unseen in two concurrent transactions.</para>
/// </remarks>
public sealed partial class RegistrationWriter(
    NpgsqlDataSource dataSource, SubmissionLimits limits, TimeProvider clock, ILogger<RegistrationWriter> logger)
{
    /// <summary>Registers <paramref name="submissions"/> on behalf of <paramref name="registrant"/> (the key or crawler name).</summary>
    public async Task<IReadOnlyList<RegistrationResult>> RegisterAsync(
        IReadOnlyList<DocumentSubmission> submissions, string registrant, CancellationToken ct)
    {
        var results = new RegistrationResult?[submissions.Count];
        var items = Validate(submissions, registrant, results);
        if (items.Count == 0)
        {
            return results!;
        }
        var direct = DirectCopyOfNewDocuments;
        await TransientRetry.RunAsync(async () =>
        {
            while (true)
            {
                foreach (var item in items)
                {
                    results[item.Index] = null;
                }
                try
                {
                    await RegisterValidAsync(items, results, direct, ct);
                    return;
                }
                catch (PostgresException e) when (direct && e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName == "documents")
                {
                    // Another writer registered one of these texts first; the staged merge handles that.
                    LogDirectCopyConflict(logger, items.Count);
                    direct = false;
                }
            }
        }, logger, ct);
        return results!;
    }

    /// <summary>
    /// When true (the default), new documents without parents that no pending edge waits for are written by binary
    /// COPY straight into the registry's tables instead of through the staged merge (see
    /// <see cref="InsertNewDocumentsAsync"/>). Both give the same rows; false routes everything through the merge.
    /// </summary>
    public bool DirectCopyOfNewDocuments { get; init; } = true;

    List<Item> Validate(IReadOnlyList<DocumentSubmission> submissions, string registrant, RegistrationResult?[] results)
    {
        var now = clock.GetUtcNow();
        var items = new Item?[submissions.Count];
        // Token counting dominates validation on large batches; it is pure CPU, so spread it over the cores.
        Parallel.For(0, submissions.Count, new ParallelOptions { MaxDegreeOfParallelism = submissions.Count < 64 ? 1 : -1 }, i =>
        {
            if (submissions[i] is null)
            {
                results[i] = RegistrationResult.Rejected(i, RejectionCode.Invalid, "item is null.");
            }
            else if (SubmissionValidator.TryValidate(submissions[i], limits, now, out var valid, out var error))
            {
                items[i] = new Item(i, valid, TokenCounter.Count(valid.Text), valid.Crawler ?? registrant);
            }
            else
            {
                results[i] = RegistrationResult.Rejected(i, RejectionCode.Invalid, error!);
            }
        });
        return [.. items.OfType<Item>()];
    }

    async Task RegisterValidAsync(List<Item> items, RegistrationResult?[] results, bool direct, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var live = await RejectUnknownParentIdsAsync(conn, items, results, ct);
        var hashes = live.Select(i => i.S.Hash).Distinct().ToArray();
        var parentHashes = live.SelectMany(i => i.S.Parents).Where(p => p.Hash is not null).Select(p => p.Hash!.Value).Distinct().ToArray();
        var missingParents = parentHashes.Except(await ExistingHashesAsync(conn, parentHashes, ct)).ToArray();
        await LockBucketsAsync(conn, hashes, missingParents, ct);

        // Under the bucket locks the answers below cannot change until we commit.
        var existing = await ExistingHashesAsync(conn, hashes, ct);
        var pendingTargets = await PendingTargetsAsync(conn, hashes, ct);
        var inBatch = hashes.ToHashSet();
        var seen = new HashSet<ContentHash>();
        var fresh = direct ? NewDocumentsWithoutLineage(live, existing, pendingTargets) : [];
        var rest = fresh.Count == 0 ? live : [.. live.Where(i => !fresh.ContainsKey(i.S.Hash))];
        List<Item> fast = [], slow = [];
        foreach (var item in rest)
        {
            var existed = existing.Contains(item.S.Hash) | !seen.Add(item.S.Hash);
            var mayCloseCycle = item.S.Parents.Count > 0 && (existed || pendingTargets.Contains(item.S.Hash)
                || item.S.Parents.Any(p => p.Hash is { } h && inBatch.Contains(h)));
            (mayCloseCycle ? slow : fast).Add(item);
        }

        // Adding new documents cannot change an existing document's class or depth; anything else can, and then
        // must not overlap with other writers (see DerivedState).
        var changesExisting = slow.Count > 0 || pendingTargets.Count > 0
            || fast.Any(i => i.S.Declared is not null && existing.Contains(i.S.Hash));
        await AdvisoryLocks.LineageAsync(conn, exclusive: changesExisting, ct);

        var effects = new Effects();
        var state = fresh.Count > 0 ? await InsertNewDocumentsAsync(conn, fresh, effects, ct) : [];
        if (rest.Count > 0)
        {
            await CreateStagingAsync(conn, ct);
        }
        if (fast.Count > 0)
        {
            await WriteAsync(conn, fast, effects, ct);
        }
        foreach (var item in slow)
        {
            await tx.SaveAsync("item", ct);
            var local = new Effects();
            var ids = await WriteAsync(conn, [item], local, ct);
            var id = ids[item.S.Hash];
            // A document this item would have created is rolled back with it: name it by its hash, not its short-lived id.
            var who = local.Created.Contains(id) ? $"this document (content hash {item.S.Hash})" : $"document {id}";
            var reason = item.S.Parents.Any(p => p.Id == id)
                ? $"{who} cannot be its own parent."
                : await ClosesCycleAsync(conn, id, ct)
                    ? $"the declared lineage would make {who} its own ancestor (a cycle); one of its parents already descends from it."
                    : null;
            if (reason is null)
            {
                await tx.ReleaseAsync("item", ct);
                effects.Add(local);
            }
            else
            {
                await tx.RollbackAsync("item", ct);
                results[item.Index] = RegistrationResult.Rejected(item.Index, RejectionCode.Cycle, reason, item.S.Hash);
            }
        }

        await DerivedState.RefreshClassesAsync(conn, effects.ClassChanged, ct);
        await DerivedState.RefreshDepthsAsync(conn, effects.DepthChanged, ct);
        if (rest.Count > 0)
        {
            foreach (var (hash, s) in await ReadStateAsync(conn, [.. rest.Select(i => i.S.Hash).Distinct()], ct))
            {
                state[hash] = s;
            }
        }
        await tx.CommitAsync(ct);

        var firstIndex = new Dictionary<ContentHash, int>();
        foreach (var item in live.Where(i => results[i.Index] is null))
        {
            var s = state[item.S.Hash];
            var created = effects.Created.Contains(s.Id) && firstIndex.TryAdd(item.S.Hash, item.Index);
            results[item.Index] = new RegistrationResult(item.Index, created ? RegistrationStatus.Created : RegistrationStatus.Existing,
                s.Id, item.S.Hash, s.Class, s.Depth, s.Pending);
        }
    }

    static async Task<List<Item>> RejectUnknownParentIdsAsync(NpgsqlConnection conn, List<Item> items, RegistrationResult?[] results, CancellationToken ct)
    {
        var ids = items.SelectMany(i => i.S.Parents).Where(p => p.Id is not null).Select(p => p.Id!.Value).Distinct().ToArray();
        if (ids.Length == 0)
        {
            return items;
        }
        var known = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM documents WHERE id = ANY(@ids)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                known.Add(reader.GetInt64(0));
            }
        }
        var live = new List<Item>(items.Count);
        foreach (var item in items)
        {
            var k = item.S.Parents.ToList().FindIndex(p => p.Id is { } id && !known.Contains(id));
            if (k < 0)
            {
                live.Add(item);
                continue;
            }
            results[item.Index] = RegistrationResult.Rejected(item.Index, RejectionCode.UnknownParent,
                $"parents[{k}].id {item.S.Parents[k].Id} is not a registered document; register the parent first, or name it by contentHash to keep the edge pending until it arrives.",
                item.S.Hash);
        }
        return live;
    }

    static async Task<HashSet<ContentHash>> ExistingHashesAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct) =>
        await ReadHashesAsync(conn, "SELECT content_hash FROM documents WHERE content_hash = ANY(@h)", hashes, ct);

    static async Task<HashSet<ContentHash>> PendingTargetsAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct) =>
        await ReadHashesAsync(conn, "SELECT DISTINCT parent_content_hash FROM pending_edges WHERE parent_content_hash = ANY(@h)", hashes, ct);

    static async Task<HashSet<ContentHash>> ReadHashesAsync(NpgsqlConnection conn, string sql, ContentHash[] hashes, CancellationToken ct)
    {
        var set = new HashSet<ContentHash>();
        if (hashes.Length == 0)
        {
            return set;
        }
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", [.. hashes.Select(h => h.ToArray())]));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            set.Add(new ContentHash(reader.GetFieldValue<byte[]>(0)));
        }
        return set;
    }

    static async Task LockBucketsAsync(NpgsqlConnection conn, ContentHash[] documents, ContentHash[] pendingParents, CancellationToken ct)
    {
        var exclusive = pendingParents.Select(h => (int)h.Bytes[0]).ToHashSet();
        var buckets = documents.Select(h => (int)h.Bytes[0]).Concat(exclusive).Distinct().Order().ToArray();
        // In ascending order, so that two writers always queue in the same order and cannot deadlock.
        await using var cmd = new NpgsqlCommand($"""
            SELECT count(CASE WHEN b.x THEN pg_advisory_xact_lock({AdvisoryLocks.ContentHashBuckets}, b.n) ELSE pg_advisory_xact_lock_shared({AdvisoryLocks.ContentHashBuckets}, b.n) END)
              FROM (SELECT n, x FROM unnest(@n, @x) AS u(n, x) ORDER BY n) b
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("n", buckets));
        cmd.Parameters.Add(new NpgsqlParameter<bool[]>("x", [.. buckets.Select(exclusive.Contains)]));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // Staging tables live as long as the pooled connection (the data source keeps session state between uses, see
    // RegistryDatabase): creating four temp tables per batch cost more catalog work than the batch's own rows.
    static Task CreateStagingAsync(NpgsqlConnection conn, CancellationToken ct) => ExecuteAsync(conn, """
        CREATE TEMP TABLE IF NOT EXISTS stage_docs (content_hash bytea PRIMARY KEY, char_count int NOT NULL,
            token_count int NOT NULL, language text, licence text, first_seen timestamptz, last_seen timestamptz,
            class text, generator_id int);
        CREATE TEMP TABLE IF NOT EXISTS stage_sightings (content_hash bytea NOT NULL, uri text, crawled_at timestamptz, crawler text);
        CREATE TEMP TABLE IF NOT EXISTS stage_declared (ord int NOT NULL, content_hash bytea NOT NULL, asserter text NOT NULL, class text NOT NULL,
            confidence float8, generator_id int, evidence jsonb);
        CREATE TEMP TABLE IF NOT EXISTS stage_parents (content_hash bytea NOT NULL, parent_id bigint, parent_hash bytea, relation text NOT NULL,
            generator_id int, params_hash text);
        """, ct);

    /// <summary>
    /// Writes <paramref name="items"/> set-based and returns the document id of every item's hash. Documents created
    /// here get their class and depth at insert; only what changes existing documents is left for
    /// <see cref="DerivedState"/> to refresh.
    /// </summary>
    async Task<Dictionary<ContentHash, long>> WriteAsync(NpgsqlConnection conn, List<Item> items, Effects effects, CancellationToken ct)
    {
        await ExecuteAsync(conn, "TRUNCATE stage_docs, stage_sightings, stage_declared, stage_parents", ct);
        var generators = await GeneratorStore.EnsureAsync(conn,
            items.SelectMany(i => i.S.Parents.Select(p => p.Generator).Append(i.S.Declared?.Generator)), ct);
        await StageAsync(conn, items, generators, ct);
        var withParents = items.Any(i => i.S.Parents.Count > 0);
        if (withParents)
        {
            await ExecuteAsync(conn, ResolveParentsSql, ct);
        }

        var ids = new Dictionary<ContentHash, long>();
        var created = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand(UpsertDocumentsSql, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                ids[new ContentHash(reader.GetFieldValue<byte[]>(1))] = id;
                if (reader.GetBoolean(2))
                {
                    created.Add(id);
                }
            }
        }
        if (created.Count > 0)
        {
            var written = new HashSet<long>();
            await CopyTextsAsync(conn, items.Select(i => (Id: ids[i.S.Hash], i.S.Text)).Where(t => created.Contains(t.Id) && written.Add(t.Id)), ct);
        }
        await ExecuteAsync(conn, InsertSightingsSql, ct);
        var asserted = new HashSet<long>();
        await ReadIdsAsync(conn, InsertDeclaredSql, asserted, ct);
        var edgeChildren = new HashSet<long>();
        if (withParents)
        {
            await ReadIdsAsync(conn, InsertEdgesSql, edgeChildren, ct);
        }
        await ReadIdsAsync(conn, ResolvePendingSql, edgeChildren, ct);

        effects.Created.UnionWith(created);
        effects.ClassChanged.UnionWith(asserted.Where(id => !created.Contains(id)));
        effects.DepthChanged.UnionWith(asserted.Concat(edgeChildren).Where(id => !created.Contains(id)));
        return ids;
    }

    /// <summary>
    /// The texts of the documents a write created go straight into <c>document_texts</c> with binary COPY: they are
    /// the bulk of a batch's bytes, and staging them first would send and write every one twice.
    /// </summary>
    static async Task CopyTextsAsync(NpgsqlConnection conn, IEnumerable<(long Id, string Text)> texts, CancellationToken ct)
    {
        await using var w = await conn.BeginBinaryImportAsync("COPY document_texts (document_id, text) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (id, text) in texts)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(text, NpgsqlDbType.Text, ct);
        }
        await w.CompleteAsync(ct);
    }

    // Parents named by hash that are registered become ids; the others stay null and become pending edges.
    const string ResolveParentsSql = """
        UPDATE stage_parents p SET parent_id = d.id
          FROM documents d
         WHERE p.parent_id IS NULL AND d.content_hash = p.parent_hash
        """;

    const string UpsertDocumentsSql = """
        WITH up AS (
            INSERT INTO documents AS d (content_hash, char_count, token_count, language, licence, first_seen, last_seen,
                                        class, generator_id, depth, source_domain, decided_by)
            SELECT s.content_hash, s.char_count, s.token_count, s.language, s.licence,
                   COALESCE(s.first_seen, now()), COALESCE(s.last_seen, now()),
                   COALESCE(s.class, 'unknown')::provenance_class, s.generator_id,
                   -- GenerationDepth for a new document: its only assertion is this declaration, its parents are staged.
                   CASE WHEN s.class = 'human' THEN 0
                        WHEN s.class IS NULL OR s.class = 'unknown' OR pp.unknown_parent THEN NULL
                        ELSE 1 + COALESCE(pp.max_depth, 0)
                   END,
                   sd.domain,
                   CASE WHEN s.class IS NOT NULL THEN 'declared'::assertion_kind END
              FROM stage_docs s
              LEFT JOIN (SELECT p.content_hash, bool_or(p.parent_id IS NULL OR pd.depth IS NULL) AS unknown_parent, max(pd.depth) AS max_depth
                           FROM stage_parents p LEFT JOIN documents pd ON pd.id = p.parent_id
                          GROUP BY p.content_hash) pp ON pp.content_hash = s.content_hash
              -- The source domain is the host of the earliest sighting with a URI when the document first gets one, and
              -- then stays: dataset filters on it must not change their answer as crawls go on.
              LEFT JOIN (SELECT DISTINCT ON (ss.content_hash) ss.content_hash, source_domain_of(ss.uri) AS domain
                           FROM stage_sightings ss WHERE ss.uri IS NOT NULL
                          ORDER BY ss.content_hash, ss.crawled_at NULLS LAST, ss.uri) sd ON sd.content_hash = s.content_hash
             ORDER BY s.content_hash
            ON CONFLICT (content_hash) DO UPDATE
               SET first_seen = LEAST(d.first_seen, EXCLUDED.first_seen),
                   last_seen = GREATEST(d.last_seen, EXCLUDED.last_seen),
                   language = COALESCE(d.language, EXCLUDED.language),
                   licence = COALESCE(d.licence, EXCLUDED.licence),
                   source_domain = COALESCE(d.source_domain, EXCLUDED.source_domain)
            RETURNING d.id, d.content_hash, (d.xmax = 0) AS created)
        SELECT id, content_hash, created FROM up
        """;

    const string InsertSightingsSql = """
        INSERT INTO sightings (document_id, uri, crawled_at, crawler)
        SELECT d.id, s.uri, COALESCE(s.crawled_at, now()), s.crawler
          FROM stage_sightings s JOIN documents d ON d.content_hash = s.content_hash
        ON CONFLICT DO NOTHING
        """;

    // A declaration that repeats the registrant's latest one for the document is not appended again: redelivery
    // and periodic re-crawls would otherwise grow the history without saying anything new.
    const string InsertDeclaredSql = """
        INSERT INTO assertions (document_id, kind, asserted_by, class, confidence, generator_id, evidence)
        SELECT d.id, 'declared', s.asserter, s.class::provenance_class, s.confidence, s.generator_id, s.evidence
          FROM stage_declared s JOIN documents d ON d.content_hash = s.content_hash
         WHERE NOT EXISTS (
               SELECT 1
                 FROM (SELECT a.class, a.confidence, a.generator_id, a.evidence FROM assertions a
                        WHERE a.document_id = d.id AND a.kind = 'declared' AND a.asserted_by = s.asserter
                        ORDER BY a.asserted_at DESC, a.id DESC LIMIT 1) l
                WHERE l.class = s.class::provenance_class AND l.confidence IS NOT DISTINCT FROM s.confidence
                  AND l.generator_id IS NOT DISTINCT FROM s.generator_id AND l.evidence IS NOT DISTINCT FROM s.evidence)
         ORDER BY s.ord
        RETURNING document_id
        """;

    const string InsertEdgesSql = """
        INSERT INTO pending_edges (child_id, parent_content_hash, relation, generator_id, params_hash)
        SELECT c.id, p.parent_hash, p.relation::lineage_relation, p.generator_id, p.params_hash
          FROM stage_parents p JOIN documents c ON c.content_hash = p.content_hash
         WHERE p.parent_id IS NULL
         ORDER BY c.id
        ON CONFLICT DO NOTHING;
        INSERT INTO lineage_edges (child_id, parent_id, relation, generator_id, params_hash)
        SELECT c.id, p.parent_id, p.relation::lineage_relation, p.generator_id, p.params_hash
          FROM stage_parents p JOIN documents c ON c.content_hash = p.content_hash
         WHERE p.parent_id IS NOT NULL AND p.parent_id <> c.id
         ORDER BY c.id, p.parent_id
        ON CONFLICT DO NOTHING
        RETURNING child_id
        """;

    // Edges that waited for one of these documents become real edges; their children's depths are refreshed.
    const string ResolvePendingSql = """
        WITH moved AS (
            DELETE FROM pending_edges pe
             USING stage_docs s JOIN documents d ON d.content_hash = s.content_hash
             WHERE pe.parent_content_hash = s.content_hash
            RETURNING pe.child_id, d.id AS parent_id, pe.relation, pe.generator_id, pe.params_hash),
        inserted AS (
            INSERT INTO lineage_edges (child_id, parent_id, relation, generator_id, params_hash)
            SELECT child_id, parent_id, relation, generator_id, params_hash FROM moved WHERE child_id <> parent_id
            ON CONFLICT DO NOTHING)
        SELECT DISTINCT child_id FROM moved
        """;

    static async Task<bool> ClosesCycleAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH RECURSIVE up(id) AS (
                SELECT parent_id FROM lineage_edges WHERE child_id = @id
                UNION
                SELECT e.parent_id FROM lineage_edges e JOIN up ON e.child_id = up.id)
            SELECT EXISTS (SELECT 1 FROM up WHERE id = @id)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task StageAsync(NpgsqlConnection conn, List<Item> items, Dictionary<GeneratorName, int> generators, CancellationToken ct)
    {
        // One row per distinct text. Its class is that of the last declaration of it in the batch: for a new
        // document that declaration is the whole history, and precedence picks the last of equal-time assertions.
        var docs = new Dictionary<ContentHash, (Item Item, DateTimeOffset? First, DateTimeOffset? Last, ValidDeclaration? Declared)>();
        foreach (var item in items)
        {
            var t = item.S.CrawledAt;
            docs[item.S.Hash] = docs.TryGetValue(item.S.Hash, out var d)
                ? (d.Item, Min(d.First, t), Max(d.Last, t), item.S.Declared ?? d.Declared)
                : (item, t, t, item.S.Declared);
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY stage_docs (content_hash, char_count, token_count, language, licence, first_seen, last_seen, class, generator_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (hash, (item, first, last, declared)) in docs)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(item.S.CharCount, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(item.TokenCount, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, item.S.Language, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, item.S.Licence, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, first, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, last, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(w, declared is null ? null : WireNames.Of(declared.Class), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, declared?.Generator is { } g ? generators[g] : (int?)null, NpgsqlDbType.Integer, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY stage_sightings (content_hash, uri, crawled_at, crawler) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var item in items)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await WriteNullableAsync(w, item.S.Uri, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, item.S.CrawledAt, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }

        // Within one batch only the last declaration of a document by the same registrant counts: they would
        // all carry the same assertion time, and precedence would pick the last one anyway.
        var declarations = items.Where(i => i.S.Declared is not null)
            .GroupBy(i => (i.S.Hash, i.Registrant)).Select(g => g.Last()).OrderBy(i => i.Index).ToList();
        if (declarations.Count > 0)
        {
            await using var w = await conn.BeginBinaryImportAsync(
                "COPY stage_declared (ord, content_hash, asserter, class, confidence, generator_id, evidence) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var item in declarations)
            {
                var d = item.S.Declared!;
                await w.StartRowAsync(ct);
                await w.WriteAsync(item.Index, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(item.S.Hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(item.Registrant, NpgsqlDbType.Text, ct);
                await w.WriteAsync(WireNames.Of(d.Class), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, d.Confidence, NpgsqlDbType.Double, ct);
                await WriteNullableAsync(w, d.Generator is null ? null : (int?)generators[d.Generator], NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, d.EvidenceJson, NpgsqlDbType.Jsonb, ct);
            }
            await w.CompleteAsync(ct);
        }

        var parents = items.SelectMany(i => i.S.Parents.Select(p => (i.S.Hash, Parent: p, Generator: p.Generator ?? i.S.Declared?.Generator)))
            .Distinct().ToList();
        if (parents.Count > 0)
        {
            await using var w = await conn.BeginBinaryImportAsync(
                "COPY stage_parents (content_hash, parent_id, parent_hash, relation, generator_id, params_hash) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (hash, p, generator) in parents)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(hash.ToArray(), NpgsqlDbType.Bytea, ct);
                await WriteNullableAsync(w, p.Id, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(w, p.Hash?.ToArray(), NpgsqlDbType.Bytea, ct);
                await w.WriteAsync(WireNames.Of(p.Relation), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(w, generator is null ? null : (int?)generators[generator], NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(w, p.ParamsHash, NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
    }

    static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type, CancellationToken ct) where T : class =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, type, ct);

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value.Value, type, ct);

    static async Task<Dictionary<ContentHash, DocumentState>> ReadStateAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct)
    {
        var state = new Dictionary<ContentHash, DocumentState>(hashes.Length);
        await using var cmd = new NpgsqlCommand("""
            SELECT d.id, d.content_hash, d.class, d.depth, (SELECT count(*)::int FROM pending_edges pe WHERE pe.child_id = d.id)
              FROM documents d WHERE d.content_hash = ANY(@h)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", [.. hashes.Select(h => h.ToArray())]));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            state[new ContentHash(reader.GetFieldValue<byte[]>(1))] = new DocumentState(
                reader.GetInt64(0), reader.GetFieldValue<ProvenanceClass>(2), reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetInt32(4));
        }
        return state;
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

    sealed record Item(int Index, ValidSubmission S, int TokenCount, string Registrant);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A concurrent writer registered some of {Count} texts first; writing the batch through the staged merge")]
    static partial void LogDirectCopyConflict(ILogger logger, int count);

    readonly record struct DocumentState(long Id, ProvenanceClass Class, int? Depth, int Pending);

    /// <summary>What a write did that the rest of the transaction needs to know.</summary>
    sealed class Effects
    {
        public HashSet<long> Created { get; } = [];

        /// <summary>Existing documents with new assertions.</summary>
        public HashSet<long> ClassChanged { get; } = [];

        /// <summary>Existing documents whose class or parents changed.</summary>
        public HashSet<long> DepthChanged { get; } = [];

        public void Add(Effects other)
        {
            Created.UnionWith(other.Created);
            ClassChanged.UnionWith(other.ClassChanged);
            DepthChanged.UnionWith(other.DepthChanged);
        }
    }
}
