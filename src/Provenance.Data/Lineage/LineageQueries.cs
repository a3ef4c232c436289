using Npgsql;
using Provenance.Contracts.Lineage;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Lineage;

public enum LineageDirection
{
    Ancestors,
    Descendants,
    Both,
}

/// <summary>
/// Walks the lineage graph level by level through <see cref="Frontier"/>: one set-based query per generation, which
/// distributes on Citus where a recursive CTE does not. EF cannot express either; a walk of one request runs on one
/// connection in one snapshot.
/// </summary>
public sealed class LineageQueries(NpgsqlDataSource dataSource)
{
    public const int MaxNodes = 10_000;

    /// <summary>The nodes one walk may hold; lower only in tests, which cannot afford graphs of <see cref="MaxNodes"/>.</summary>
    internal int NodeLimit { get; init; } = MaxNodes;

    /// <summary>The nodes and edges within <paramref name="maxDepth"/> generations of <paramref name="focus"/>.</summary>
    public async Task<LineageGraphResponse> WalkAsync(
        long focus, LineageDirection direction, int maxDepth, IReadOnlyCollection<LineageRelation>? relations, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await Frontier.SnapshotAsync(conn, ct);
        var levels = new Dictionary<long, int> { [focus] = 0 };
        var truncated = false;
        if (direction is LineageDirection.Ancestors or LineageDirection.Both)
        {
            truncated |= await WalkOneWayAsync(conn, focus, up: true, maxDepth, relations, levels, NodeLimit, ct);
        }
        if (direction is LineageDirection.Descendants or LineageDirection.Both)
        {
            truncated |= await WalkOneWayAsync(conn, focus, up: false, maxDepth, relations, levels, NodeLimit, ct);
        }
        var (nodes, edges) = await ReadGraphAndCommitAsync(conn, levels, relations, ct);
        return new LineageGraphResponse(focus, nodes, edges, truncated);
    }

    /// <summary>
    /// Adds the nodes within <paramref name="maxDepth"/> generations one way from <paramref name="focus"/>, at most
    /// <paramref name="nodeLimit"/> with the focus, nearest first and by id within a generation. True when the walk was cut.
    /// </summary>
    static async Task<bool> WalkOneWayAsync(
        NpgsqlConnection conn, long focus, bool up, int maxDepth, IReadOnlyCollection<LineageRelation>? relations,
        Dictionary<long, int> levels, int nodeLimit, CancellationToken ct)
    {
        var frontier = new Frontier(conn, up ? FrontierStep.Parents : FrontierStep.Children, relations);
        var truncated = await frontier.WalkAsync([focus], maxDepth, nodeLimit, onward: null, ct);
        foreach (var id in frontier.Order)
        {
            var distance = frontier.Distances[id];
            if (distance > 0)
            {
                levels.TryAdd(id, up ? -distance : distance);
            }
        }
        return truncated;
    }

    /// <summary>
    /// The walked nodes and the edges among them, and the end of the walk's snapshot, in one round trip: a batch of two
    /// prepared statements and the COMMIT (which Npgsql sees end the transaction, so disposing it sends nothing), where
    /// <see cref="NpgsqlTransaction.CommitAsync(CancellationToken)"/> would wait for one more round trip. Each statement probes one
    /// id at a time (<c>unnest … CROSS JOIN LATERAL</c>) so that on hash-partitioned tables each probe prunes to the one
    /// partition that holds it, where <c>id = ANY(@ids)</c> sent the whole array to every partition. The arrays are
    /// read through a sub-select (<see cref="Frontier.Probes"/>) so that the plans stay generic.
    /// </summary>
    static async Task<(List<LineageNodeResponse> Nodes, List<LineageEdgeResponse> Edges)> ReadGraphAndCommitAsync(
        NpgsqlConnection conn, Dictionary<long, int> levels, IReadOnlyCollection<LineageRelation>? relations, CancellationToken ct)
    {
        long[] ids = [.. levels.Keys];
        var filter = relations is { Count: > 0 } ? " AND e.relation = ANY(@rels)" : "";
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"""
                    SELECT d.id, d.content_hash, d.class, d.depth, g.name, g.version
                      FROM {Frontier.Probes("ids")} i(id)
                     {KeyProbe.Join("id, content_hash, class, depth, generator_id", "documents", "id", "i.id", "d")}
                      LEFT JOIN generators g ON g.id = d.generator_id
                    """) { Parameters = { new NpgsqlParameter<long[]>("ids", ids) } },
                // The edges leaving the walked nodes; those whose parent was not walked are dropped here, where a
                // parent_id = ANY(@ids) filter in a generic plan would compare each edge with every id.
                new NpgsqlBatchCommand($"""
                    SELECT e.child_id, e.parent_id, e.relation, g.name, g.version
                      FROM {Frontier.Probes("ids")} i(id)
                     CROSS JOIN LATERAL (SELECT e.child_id, e.parent_id, e.relation, e.generator_id FROM lineage_edges e WHERE e.child_id = i.id{filter}) e
                      LEFT JOIN generators g ON g.id = e.generator_id
                     ORDER BY e.child_id, e.parent_id, e.relation
                    """) { Parameters = { new NpgsqlParameter<long[]>("ids", ids) } },
                new NpgsqlBatchCommand("COMMIT"),
            },
        };
        if (filter.Length > 0)
        {
            batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter<LineageRelation[]>("rels", [.. relations!]));
        }
        await batch.PrepareAsync(ct);
        var nodes = new List<LineageNodeResponse>(levels.Count);
        var edges = new List<LineageEdgeResponse>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            nodes.Add(new LineageNodeResponse(id, Hex(reader.GetFieldValue<byte[]>(1)),
                WireNames.Of(reader.GetFieldValue<ProvenanceClass>(2)), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                GeneratorOf(reader, 4), levels[id]));
        }
        nodes.Sort((a, b) => a.Level != b.Level ? a.Level.CompareTo(b.Level) : a.Id.CompareTo(b.Id));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (levels.ContainsKey(reader.GetInt64(1)))
            {
                edges.Add(new LineageEdgeResponse(reader.GetInt64(0), reader.GetInt64(1),
                    WireNames.Of(reader.GetFieldValue<LineageRelation>(2)), GeneratorOf(reader, 3)));
            }
        }
        return (nodes, edges);
    }

    /// <summary>
    /// The human documents that <paramref name="focus"/> descends from: walking up, a path stops at the first
    /// human document it meets, which is that path's anchor. At most <see cref="MaxNodes"/> documents are read, the
    /// nearest first; <see cref="RootsResponse.Truncated"/> says when the walk stopped there.
    /// </summary>
    public async Task<RootsResponse> RootsAsync(long focus, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await Frontier.SnapshotAsync(conn, ct);
        List<LineageNodeResponse> roots = [], unanchored = [];
        var frontier = new Frontier(conn, FrontierStep.Parents);
        var truncated = await frontier.WalkAsync([focus], int.MaxValue, NodeLimit, async (level, token) =>
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT d.id, d.content_hash, d.class, d.depth, g.name, g.version,
                       EXISTS (SELECT 1 FROM lineage_edges e WHERE e.child_id = d.id),
                       EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = d.id)
                  FROM {Frontier.Probes("ids")} i(id)
                 {KeyProbe.Join("id, content_hash, class, depth, generator_id", "documents", "id", "i.id", "d")}
                  LEFT JOIN generators g ON g.id = d.generator_id
                 ORDER BY d.id
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", level));
            // Once a level, like the walk's own query, and probing one id at a time for the same reasons.
            await cmd.PrepareAsync(token);
            var onward = new List<long>();
            await using var reader = await cmd.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                var cls = reader.GetFieldValue<ProvenanceClass>(2);
                var id = reader.GetInt64(0);
                var node = new LineageNodeResponse(id, Hex(reader.GetFieldValue<byte[]>(1)), WireNames.Of(cls),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), GeneratorOf(reader, 4), -frontier.Distances[id]);
                if (cls == ProvenanceClass.Human)
                {
                    // A path stops at the first human document it meets.
                    roots.Add(node);
                    continue;
                }
                onward.Add(id);
                if (!reader.GetBoolean(6) && !reader.GetBoolean(7))
                {
                    unanchored.Add(node);
                }
            }
            return onward;
        }, ct);
        await using var pendingCmd = new NpgsqlCommand($"""
            SELECT pe.child_id, pe.parent_content_hash, pe.relation
              FROM {Frontier.Probes("ids")} i(id)
             CROSS JOIN LATERAL (SELECT pe.child_id, pe.id, pe.parent_content_hash, pe.relation FROM pending_edges pe WHERE pe.child_id = i.id) pe
             ORDER BY pe.child_id, pe.id
            """, conn);
        pendingCmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. frontier.Order]));
        var pending = new List<PendingEdgeResponse>();
        await using (var reader = await pendingCmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                pending.Add(new PendingEdgeResponse(reader.GetInt64(0), Hex(reader.GetFieldValue<byte[]>(1)),
                    WireNames.Of(reader.GetFieldValue<LineageRelation>(2))));
            }
        }
        await tx.CommitAsync(ct);
        return new RootsResponse(focus, roots, unanchored, pending, truncated);
    }

    static string Hex(byte[] hash) => new ContentHash(hash).ToString();

    internal static string? GeneratorOf(NpgsqlDataReader reader, int nameOrdinal) =>
        reader.IsDBNull(nameOrdinal) ? null : new GeneratorName(reader.GetString(nameOrdinal), reader.GetString(nameOrdinal + 1)).ToString();
}
