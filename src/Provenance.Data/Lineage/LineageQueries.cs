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
/// Walks the lineage graph with recursive SQL. EF cannot express recursive CTEs, and a walk is one round trip
/// in SQL against one per generation through the ORM.
/// </summary>
public sealed class LineageQueries(NpgsqlDataSource dataSource)
{
    public const int MaxNodes = 10_000;

    /// <summary>The nodes and edges within <paramref name="maxDepth"/> generations of <paramref name="focus"/>.</summary>
    public async Task<LineageGraphResponse> WalkAsync(
        long focus, LineageDirection direction, int maxDepth, IReadOnlyCollection<LineageRelation>? relations, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var levels = new Dictionary<long, int> { [focus] = 0 };
        var truncated = false;
        if (direction is LineageDirection.Ancestors or LineageDirection.Both)
        {
            truncated |= await WalkOneWayAsync(conn, focus, up: true, maxDepth, relations, levels, ct);
        }
        if (direction is LineageDirection.Descendants or LineageDirection.Both)
        {
            truncated |= await WalkOneWayAsync(conn, focus, up: false, maxDepth, relations, levels, ct);
        }
        var nodes = await ReadNodesAsync(conn, levels, ct);
        var edges = await ReadEdgesAsync(conn, [.. levels.Keys], relations, ct);
        return new LineageGraphResponse(focus, nodes, edges, truncated);
    }

    static async Task<bool> WalkOneWayAsync(
        NpgsqlConnection conn, long focus, bool up, int maxDepth, IReadOnlyCollection<LineageRelation>? relations,
        Dictionary<long, int> levels, CancellationToken ct)
    {
        var (from, to) = up ? ("child_id", "parent_id") : ("parent_id", "child_id");
        var filter = relations is { Count: > 0 } ? " AND e.relation = ANY(@rels)" : "";
        var sql = $"""
            WITH RECURSIVE walk(id, distance) AS (
                SELECT @focus::bigint, 0
                UNION
                SELECT e.{to}, w.distance + 1
                  FROM walk w JOIN lineage_edges e ON e.{from} = w.id
                 WHERE w.distance < @max{filter})
            SELECT w.id, min(w.distance) AS distance,
                   bool_or(w.distance = @max AND EXISTS (SELECT 1 FROM lineage_edges e WHERE e.{from} = w.id{filter})) AS cut
              FROM walk w
             GROUP BY w.id
             ORDER BY distance, w.id
             LIMIT @limit
            """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("focus", focus));
        cmd.Parameters.Add(new NpgsqlParameter<int>("max", maxDepth));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", MaxNodes + 1));
        if (relations is { Count: > 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter<LineageRelation[]>("rels", [.. relations]));
        }
        var truncated = false;
        var count = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (++count > MaxNodes)
            {
                return true;
            }
            var id = reader.GetInt64(0);
            var distance = reader.GetInt32(1);
            truncated |= reader.GetBoolean(2);
            if (distance > 0)
            {
                levels.TryAdd(id, up ? -distance : distance);
            }
        }
        return truncated;
    }

    static async Task<List<LineageNodeResponse>> ReadNodesAsync(NpgsqlConnection conn, Dictionary<long, int> levels, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT d.id, d.content_hash, d.class, d.depth, g.name, g.version
              FROM documents d LEFT JOIN generators g ON g.id = d.generator_id
             WHERE d.id = ANY(@ids)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. levels.Keys]));
        var nodes = new List<LineageNodeResponse>(levels.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            nodes.Add(new LineageNodeResponse(id, Hex(reader.GetFieldValue<byte[]>(1)),
                WireNames.Of(reader.GetFieldValue<ProvenanceClass>(2)), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                GeneratorOf(reader, 4), levels[id]));
        }
        nodes.Sort((a, b) => a.Level != b.Level ? a.Level.CompareTo(b.Level) : a.Id.CompareTo(b.Id));
        return nodes;
    }

    static async Task<List<LineageEdgeResponse>> ReadEdgesAsync(
        NpgsqlConnection conn, long[] ids, IReadOnlyCollection<LineageRelation>? relations, CancellationToken ct)
    {
        var filter = relations is { Count: > 0 } ? " AND e.relation = ANY(@rels)" : "";
        await using var cmd = new NpgsqlCommand($"""
            SELECT e.child_id, e.parent_id, e.relation, g.name, g.version
              FROM lineage_edges e LEFT JOIN generators g ON g.id = e.generator_id
             WHERE e.child_id = ANY(@ids) AND e.parent_id = ANY(@ids){filter}
             ORDER BY e.child_id, e.parent_id, e.relation
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
        if (relations is { Count: > 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter<LineageRelation[]>("rels", [.. relations]));
        }
        var edges = new List<LineageEdgeResponse>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            edges.Add(new LineageEdgeResponse(reader.GetInt64(0), reader.GetInt64(1),
                WireNames.Of(reader.GetFieldValue<LineageRelation>(2)), GeneratorOf(reader, 3)));
        }
        return edges;
    }

    /// <summary>
    /// The human documents that <paramref name="focus"/> descends from: walking up, a path stops at the first
    /// human document it meets, which is that path's anchor.
    /// </summary>
    public async Task<RootsResponse> RootsAsync(long focus, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            WITH RECURSIVE up(id, distance) AS (
                SELECT @focus::bigint, 0
                UNION
                SELECT e.parent_id, up.distance + 1
                  FROM up JOIN documents d ON d.id = up.id JOIN lineage_edges e ON e.child_id = up.id
                 WHERE d.class <> 'human' AND up.distance < 10000)
            SELECT d.id, d.content_hash, d.class, d.depth, g.name, g.version, min(up.distance),
                   EXISTS (SELECT 1 FROM lineage_edges e WHERE e.child_id = d.id),
                   EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = d.id)
              FROM up JOIN documents d ON d.id = up.id LEFT JOIN generators g ON g.id = d.generator_id
             GROUP BY d.id, g.id
             ORDER BY min(up.distance), d.id
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("focus", focus));
        List<LineageNodeResponse> roots = [], unanchored = [];
        var visited = new List<long>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var cls = reader.GetFieldValue<ProvenanceClass>(2);
                var node = new LineageNodeResponse(reader.GetInt64(0), Hex(reader.GetFieldValue<byte[]>(1)), WireNames.Of(cls),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), GeneratorOf(reader, 4), -reader.GetInt32(6));
                visited.Add(node.Id);
                if (cls == ProvenanceClass.Human)
                {
                    roots.Add(node);
                }
                else if (!reader.GetBoolean(7) && !reader.GetBoolean(8))
                {
                    unanchored.Add(node);
                }
            }
        }
        await using var pendingCmd = new NpgsqlCommand("""
            SELECT child_id, parent_content_hash, relation FROM pending_edges WHERE child_id = ANY(@ids) ORDER BY child_id, id
            """, conn);
        pendingCmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. visited]));
        var pending = new List<PendingEdgeResponse>();
        await using (var reader = await pendingCmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                pending.Add(new PendingEdgeResponse(reader.GetInt64(0), Hex(reader.GetFieldValue<byte[]>(1)),
                    WireNames.Of(reader.GetFieldValue<LineageRelation>(2))));
            }
        }
        return new RootsResponse(focus, roots, unanchored, pending);
    }

    static string Hex(byte[] hash) => new ContentHash(hash).ToString();

    internal static string? GeneratorOf(NpgsqlDataReader reader, int nameOrdinal) =>
        reader.IsDBNull(nameOrdinal) ? null : new GeneratorName(reader.GetString(nameOrdinal), reader.GetString(nameOrdinal + 1)).ToString();
}
