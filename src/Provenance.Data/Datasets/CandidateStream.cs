using System.Data;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Datasets;

/// <summary>
/// Reads the documents of one registry class that a spec's filters admit, in sample-key order from the seed's start
/// key to the end of the key space and then from its beginning up to the start key, a chunk at a time (keyset
/// pagination on the index <c>(class, sample_key, id)</c>, whose included columns make it an index-only scan). Each
/// stream has its own connection in the assembly's snapshot, and reads its next chunk in the background while the
/// selector works through the current one.
/// </summary>
/// <remarks>
/// Determinism: what a chunk query asks for (its keyset position and, for token targets, the room left) is fixed at
/// the step of the merge where the previous chunk is handed over, never by when the background read happens to run.
/// </remarks>
internal sealed class CandidateStream : IAsyncDisposable
{
    /// <summary>Small enough that a chunk's buffers stay off the large-object heap, large enough that queries are few.</summary>
    public const int DefaultChunkSize = 5_000;

    readonly NpgsqlConnection _conn;
    readonly NpgsqlTransaction _tx;
    readonly MixSpec _spec;
    readonly ProvenanceClass _class;
    readonly long _start;
    readonly IReadOnlySet<long> _exclude;
    readonly string[] _sql;
    readonly int _chunkSize;
    readonly Queue<Entry> _buffer = new();
    Task<List<Entry>>? _next;
    int _segment;
    long _afterKey;
    long _afterId;

    CandidateStream(NpgsqlConnection conn, NpgsqlTransaction tx, MixSpec spec, ProvenanceClass registryClass, IReadOnlySet<long> exclude, int chunkSize)
    {
        _chunkSize = chunkSize;
        _conn = conn;
        _tx = tx;
        _spec = spec;
        _class = registryClass;
        _start = SampleKey.StartFor(spec.Seed);
        _exclude = exclude;
        _afterKey = _start;
        _afterId = long.MinValue;
        _sql = [BuildSql(spec, registryClass, wrapped: false), BuildSql(spec, registryClass, wrapped: true)];
    }

    /// <summary>A stream on a connection of its own that sees exactly the snapshot <paramref name="snapshot"/> exported.</summary>
    public static async Task<CandidateStream> OpenAsync(NpgsqlDataSource dataSource, string snapshot, MixSpec spec, ProvenanceClass registryClass,
        IReadOnlySet<long> exclude, int chunkSize, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using (var cmd = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'", conn))
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return new CandidateStream(conn, tx, spec, registryClass, exclude, chunkSize);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Position of the head in the wrapped key order shared by every stream of the assembly, then its id.</summary>
    public (ulong Order, long Id) Head => (_buffer.Peek().Order, _buffer.Peek().Candidate.Document.Id);

    public MixCandidate Take() => _buffer.Dequeue().Candidate;

    /// <summary>
    /// The most weight the selector could take from this stream now. Documents of unknown provenance in it may count
    /// as human or synthetic whatever the registry's class says, so with the unknown policy on, those rooms count too.
    /// </summary>
    public long Room(MixSelector selector)
    {
        var room = _class == ProvenanceClass.Unknown ? 0 : selector.RoomFor(_class);
        return _spec.Unknown.Admit
            ? Math.Max(room, Math.Max(selector.RoomFor(ProvenanceClass.Human), selector.RoomFor(ProvenanceClass.Synthetic)))
            : room;
    }

    /// <summary>Makes sure a candidate is buffered; false when the stream has none left.</summary>
    public ValueTask<bool> EnsureAsync(long room, CancellationToken ct) =>
        _buffer.Count > 0 ? ValueTask.FromResult(true) : FillAsync(room, ct);

    async ValueTask<bool> FillAsync(long room, CancellationToken ct)
    {
        while (_buffer.Count == 0 && (_next is not null || _segment < 2))
        {
            var chunk = await (_next ?? ReadChunkAsync(room, ct));
            _next = _segment < 2 ? Task.Run(() => ReadChunkAsync(room, ct), ct) : null;
            foreach (var entry in chunk)
            {
                _buffer.Enqueue(entry);
            }
        }
        return _buffer.Count > 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_next is not null)
        {
            try
            {
                await _next;
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
            {
                // The read ahead is not needed any more; the connection goes back to the pool either way.
            }
        }
        await _tx.DisposeAsync();
        await _conn.DisposeAsync();
    }

    async Task<List<Entry>> ReadChunkAsync(long room, CancellationToken ct)
    {
        var entries = new List<Entry>(_chunkSize);
        var read = 0;
        await using (var cmd = new NpgsqlCommand(_sql[_segment], _conn))
        {
            AddParameters(cmd, room);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                read++;
                var key = reader.GetInt64(0);
                var id = reader.GetInt64(1);
                (_afterKey, _afterId) = (key, id);
                if (_exclude.Contains(id))
                {
                    continue;
                }
                var document = ReadDocument(reader, _class, _spec.Unknown, id);
                if (document is not null)
                {
                    entries.Add(new Entry(unchecked((ulong)(key - _start)), new MixCandidate(document)));
                }
            }
        }
        if (read < _chunkSize)
        {
            // End of this segment: after the keys from the start point come the keys below it.
            _segment++;
            (_afterKey, _afterId) = (long.MinValue, long.MinValue);
        }
        if (entries.Count == 0 || (!_spec.RequireAnchors && _spec.NearDuplicates is null))
        {
            return entries;
        }
        var roots = _spec.RequireAnchors ? await HumanRootsAsync(_conn, [.. entries.Where(e => e.Candidate.Document.IsModelWritten).Select(e => e.Candidate.Document.Id)], ct) : null;
        var signatures = _spec.NearDuplicates is not null ? await SignaturesAsync(_conn, [.. entries.Select(e => e.Candidate.Document.Id)], ct) : null;
        return [.. entries.Select(e => e with
        {
            Candidate = e.Candidate with
            {
                HumanRoots = roots is null ? null : roots.TryGetValue(e.Candidate.Document.Id, out var r) ? r : [],
                Signature = signatures?[e.Candidate.Document.Id],
            },
        })];
    }

    void AddParameters(NpgsqlCommand cmd, long room)
    {
        cmd.Parameters.Add(new NpgsqlParameter<ProvenanceClass>("class", _class));
        cmd.Parameters.Add(new NpgsqlParameter<long>("after_key", _afterKey));
        cmd.Parameters.Add(new NpgsqlParameter<long>("after_id", _afterId));
        cmd.Parameters.Add(new NpgsqlParameter<long>("start", _start));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", _chunkSize));
        // Shares in tokens: a document larger than the room left for its class can never be taken, so the index scan
        // skips it instead of shipping it here.
        cmd.Parameters.Add(new NpgsqlParameter<int>("room", (int)Math.Min(room, int.MaxValue)));
        AddFilterParameters(cmd, _spec);
    }

    internal static void AddFilterParameters(NpgsqlCommand cmd, MixSpec spec)
    {
        var f = spec.Filters;
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("languages", [.. f.Languages]));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("licences", [.. f.Licences]));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("domains", [.. f.SourceDomains]));
        cmd.Parameters.Add(new NpgsqlParameter("seen_from", NpgsqlDbType.TimestampTz) { Value = (object?)f.FirstSeenFrom ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("seen_before", NpgsqlDbType.TimestampTz) { Value = (object?)f.FirstSeenBefore ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("max_depth", NpgsqlDbType.Integer) { Value = (object?)spec.MaxDepth ?? DBNull.Value });
    }

    /// <summary>The spec's filters as SQL over <c>documents d</c>; parameters from <see cref="AddFilterParameters"/>.</summary>
    internal static string FilterSql(MixSpec spec, bool modelWritten)
    {
        var f = spec.Filters;
        var sql = new StringBuilder();
        if (f.Languages.Count > 0)
        {
            sql.Append(" AND (lower(d.language) = ANY(@languages) OR split_part(lower(d.language), '-', 1) = ANY(@languages))");
        }
        if (f.Licences.Count > 0)
        {
            sql.Append(" AND lower(d.licence) = ANY(@licences)");
        }
        if (f.SourceDomains.Count > 0)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM unnest(@domains) AS f(domain) WHERE d.source_domain = f.domain OR right(d.source_domain, length(f.domain) + 1) = '.' || f.domain)");
        }
        if (f.FirstSeenFrom is not null)
        {
            sql.Append(" AND d.first_seen >= @seen_from");
        }
        if (f.FirstSeenBefore is not null)
        {
            sql.Append(" AND d.first_seen < @seen_before");
        }
        if (modelWritten && spec.MaxDepth is not null)
        {
            sql.Append(" AND d.depth <= @max_depth");
        }
        return sql.ToString();
    }

    static string BuildSql(MixSpec spec, ProvenanceClass registryClass, bool wrapped)
    {
        var tokens = spec.Unit == MixUnit.Tokens ? " AND d.token_count <= @room" : "";
        var filters = FilterSql(spec, registryClass is ProvenanceClass.Synthetic or ProvenanceClass.Mixed);
        var range = "(d.sample_key, d.id) > (@after_key, @after_id)" + (wrapped ? " AND d.sample_key < @start" : "");
        var select = $"""
            SELECT d.sample_key, d.id, d.content_hash, d.token_count, d.generator_id, d.depth, d.source_domain,
                   {UnknownProvenanceColumns}
              FROM documents d
            """;
        if (registryClass == ProvenanceClass.Unknown)
        {
            return $"""
                {select}
                 CROSS JOIN LATERAL ({DetectorScoreSql()}) det
                  LEFT JOIN LATERAL ({ParentDepthsSql}) lin ON true
                 WHERE d.class = @class AND {range}{filters}{tokens}
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """;
        }
        // A class only a detector vouches for is unknown provenance: left out, or counted by the spec's thresholds.
        return spec.Unknown.Admit
            ? $"""
                {select}
                  LEFT JOIN LATERAL ({DetectorScoreSql(" AND d.decided_by = 'detector'")}) det ON true
                  LEFT JOIN LATERAL ({ParentDepthsSql} AND d.decided_by = 'detector') lin ON true
                 WHERE d.class = @class AND {range}{filters}{tokens}
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """
            : $"""
                {select.Replace(UnknownProvenanceColumns, NoUnknownProvenanceColumns, StringComparison.Ordinal)}
                 WHERE d.class = @class AND {range}{filters}{tokens} AND d.decided_by IS DISTINCT FROM 'detector'
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """;
    }

    /// <summary>Columns 7..11 of a candidate row: what the unknown policy and the depth rule need.</summary>
    internal const string UnknownProvenanceColumns =
        "det.p_human, lin.unknown_parent, lin.max_depth, EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = d.id), d.decided_by";

    const string NoUnknownProvenanceColumns = "NULL::float8, NULL::boolean, NULL::integer, false, d.decided_by";

    /// <summary>
    /// P(human) from the document's latest detector assertion (by the precedence order within a kind): the
    /// detector's p_human evidence when it gave one, otherwise its confidence in the class it asserted.
    /// </summary>
    internal static string DetectorScoreSql(string condition = "") => $"""
        SELECT COALESCE(CASE WHEN jsonb_typeof(a.evidence -> 'p_human') = 'number' THEN (a.evidence ->> 'p_human')::float8 END,
                        CASE a.class WHEN 'human' THEN a.confidence WHEN 'synthetic' THEN 1 - a.confidence WHEN 'mixed' THEN 1 - a.confidence END) AS p_human
          FROM assertions a
         WHERE a.document_id = d.id AND a.kind = 'detector'{condition}
         ORDER BY a.asserted_at DESC, a.id DESC
         LIMIT 1
        """;

    /// <summary>What GenerationDepth needs to give an unknown document the depth it would have as synthetic.</summary>
    internal const string ParentDepthsSql = """
        SELECT bool_or(p.depth IS NULL) AS unknown_parent, max(p.depth) AS max_depth
          FROM lineage_edges e JOIN documents p ON p.id = e.parent_id
         WHERE e.child_id = d.id
        """;

    /// <summary>
    /// A document from a candidate row (columns: key, id, hash, tokens, generator, depth, domain, then
    /// <see cref="UnknownProvenanceColumns"/>); null for a document of unknown provenance that the policy leaves out.
    /// </summary>
    internal static MixDocument? ReadDocument(NpgsqlDataReader r, ProvenanceClass cls, UnknownPolicy policy, long id)
    {
        var unknownProvenance = cls == ProvenanceClass.Unknown || (!r.IsDBNull(11) && r.GetFieldValue<AssertionKind>(11) == AssertionKind.Detector);
        var counted = cls;
        int? depth = cls == ProvenanceClass.Human ? 0 : r.IsDBNull(5) ? null : r.GetInt32(5);
        if (unknownProvenance)
        {
            var counts = policy.CountAs(r.IsDBNull(7) ? null : r.GetDouble(7));
            if (counts is null)
            {
                return null;
            }
            counted = counts.Value;
            depth = counted == ProvenanceClass.Human ? 0
                : cls is ProvenanceClass.Synthetic or ProvenanceClass.Mixed ? depth
                : ImpliedDepth(r, 8);
        }
        return new MixDocument(id, new ContentHash(r.GetFieldValue<byte[]>(2)), cls, counted,
            r.IsDBNull(4) ? null : r.GetInt32(4), depth, r.GetInt32(3), r.IsDBNull(6) ? null : r.GetString(6), unknownProvenance);
    }

    /// <summary>The depth an unknown document would get as synthetic, by the registry's depth rule.</summary>
    internal static int? ImpliedDepth(NpgsqlDataReader r, int first)
    {
        var unknownParent = !r.IsDBNull(first) && r.GetBoolean(first);
        int? maxParent = r.IsDBNull(first + 1) ? null : r.GetInt32(first + 1);
        var pending = r.GetBoolean(first + 2);
        // The parents' depths are summarized: a null stands for "some parent of unknown depth".
        IReadOnlyCollection<int?> parents = unknownParent ? [null] : maxParent is { } m ? [m] : [];
        return GenerationDepth.Of(ProvenanceClass.Synthetic, parents, pending);
    }

    /// <summary>The nearest human ancestors of each of <paramref name="ids"/> (the walk stops at human documents).</summary>
    internal static async Task<Dictionary<long, long[]>> HumanRootsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        var roots = new Dictionary<long, List<long>>();
        if (ids.Length > 0)
        {
            await using var cmd = new NpgsqlCommand("""
                WITH RECURSIVE up(start, id) AS (
                    SELECT s, s FROM unnest(@ids) AS s
                    UNION
                    SELECT up.start, e.parent_id
                      FROM up JOIN documents d ON d.id = up.id JOIN lineage_edges e ON e.child_id = up.id
                     WHERE d.class <> 'human')
                SELECT up.start, up.id FROM up JOIN documents d ON d.id = up.id WHERE d.class = 'human' AND up.id <> up.start
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = reader.GetInt64(0);
                if (!roots.TryGetValue(start, out var list))
                {
                    roots[start] = list = [];
                }
                list.Add(reader.GetInt64(1));
            }
        }
        return roots.ToDictionary(r => r.Key, r => r.Value.ToArray());
    }

    /// <summary>MinHash signatures of the texts of <paramref name="ids"/>, computed on every core.</summary>
    internal static async Task<Dictionary<long, uint[]>> SignaturesAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        var texts = new List<(long Id, string Text)>(ids.Length);
        await using (var cmd = new NpgsqlCommand("SELECT document_id, text FROM document_texts WHERE document_id = ANY(@ids)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                texts.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }
        var signatures = new uint[texts.Count][];
        Parallel.For(0, texts.Count, i => signatures[i] = MinHash.Signature(texts[i].Text));
        return texts.Select((t, i) => (t.Id, signatures[i])).ToDictionary(x => x.Id, x => x.Item2);
    }

    readonly record struct Entry(ulong Order, MixCandidate Candidate);
}
