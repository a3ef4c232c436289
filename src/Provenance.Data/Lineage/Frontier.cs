using System.Data;
using Npgsql;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Lineage;

/// <summary>
/// One step of a walk: the table of links, the column a step leaves from and the column it arrives at. Each step's
/// query filters on <see cref="From"/>, the column the table is distributed by, so that on Citus it goes only to the
/// shards that hold the frontier.
/// </summary>
internal sealed record FrontierStep(string Table, string From, string To, bool HasRelation)
{
    /// <summary>Child to parent: lineage_edges is distributed by child_id.</summary>
    public static readonly FrontierStep Parents = new("lineage_edges", "child_id", "parent_id", HasRelation: true);

    /// <summary>Parent to child: on one PostgreSQL node the index on parent_id serves; on Citus, the reverse edge table.</summary>
    public static readonly FrontierStep Children = new("lineage_edges", "parent_id", "child_id", HasRelation: true);

    /// <summary>A dataset version to the base it accumulates on.</summary>
    public static readonly FrontierStep DatasetBases = new("dataset_versions", "id", "base_version_id", HasRelation: false);
}

/// <summary>
/// Walks a graph breadth first, one set-based query per level (a probe per frontier node), keeping the visited
/// set here rather than in a recursive CTE: Citus runs a recursive CTE only inside one shard, while a level's query
/// is an ordinary distributed one. Every node gets its shortest distance, and a level is read smallest id first, so
/// that a walk cut at a node limit keeps the same nodes on every run.
/// </summary>
internal sealed class Frontier(NpgsqlConnection conn, FrontierStep step, IReadOnlyCollection<LineageRelation>? relations = null)
{
    readonly Dictionary<long, int> _distances = [];
    readonly List<long> _order = [];

    /// <summary>Every node visited with its distance, nearest first and by id within a distance.</summary>
    public IReadOnlyDictionary<long, int> Distances => _distances;

    /// <summary>The visited nodes in the order they were reached: by distance, then id.</summary>
    public IReadOnlyList<long> Order => _order;

    public int Count => _order.Count;

    public bool Visited(long id) => _distances.ContainsKey(id);

    /// <summary>Marks <paramref name="ids"/> visited at <paramref name="distance"/>.</summary>
    public void Visit(IEnumerable<long> ids, int distance)
    {
        foreach (var id in ids)
        {
            if (_distances.TryAdd(id, distance))
            {
                _order.Add(id);
            }
        }
    }

    /// <summary>
    /// The nodes one step from <paramref name="frontier"/> that are not visited yet, smallest id first, at most
    /// <paramref name="limit"/>: the database never sends more than the caller can take plus the visited nodes (which
    /// it is not told), however wide the fan-in.
    /// </summary>
    /// <remarks>
    /// Each frontier node is probed on its own (<c>unnest … CROSS JOIN LATERAL … WHERE from = f.id</c>) rather than with
    /// <c>from = ANY(@frontier)</c>: PostgreSQL prunes hash partitions by an array only while planning, so that form was
    /// either planned afresh every level over all the partitions (what it did: on 16 partitions the plan took ten times
    /// the execution) or, in a generic plan, scanned every partition. A probe per value prunes at run time to the one
    /// partition that holds it, in a generic plan that the prepared statement keeps. The visited nodes stay here:
    /// sending them every level cost a walk bytes that grew with its size, so the query asks for as many more rows as
    /// there are visited nodes, the most it can return that the walk drops.
    /// <para>
    /// The array is read through a sub-select (<c>unnest((SELECT @frontier))</c>) so that the planner cannot see its
    /// length: otherwise each execution's custom plan, costed on the actual array, looks cheaper than the generic one,
    /// and PostgreSQL plans every level afresh.
    /// </para>
    /// </remarks>
    public async Task<long[]> NextAsync(IReadOnlyCollection<long> frontier, int limit, CancellationToken ct)
    {
        if (frontier.Count == 0 || limit <= 0)
        {
            return [];
        }
        var filter = step.HasRelation && relations is { Count: > 0 } ? " AND e.relation = ANY(@rels)" : "";
        await using var cmd = new NpgsqlCommand($"""
            SELECT DISTINCT e.{step.To} FROM {Probes("frontier")} f(id)
             CROSS JOIN LATERAL (SELECT e.{step.To} FROM {step.Table} e WHERE e.{step.From} = f.id AND e.{step.To} IS NOT NULL{filter}) e
             ORDER BY 1
             LIMIT @limit
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("frontier", [.. frontier]));
        cmd.Parameters.Add(new NpgsqlParameter<long>("limit", (long)limit + Count));
        if (filter.Length > 0)
        {
            cmd.Parameters.Add(new NpgsqlParameter<LineageRelation[]>("rels", [.. relations!]));
        }
        // A walk runs this statement once a generation, so it is prepared: Npgsql keeps it on the physical connection and
        // later walks skip the parse and plan (a deep walk is dozens of levels).
        await cmd.PrepareAsync(ct);
        var next = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (next.Count < limit && await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (!Visited(id))
            {
                next.Add(id);
            }
        }
        return [.. next];
    }

    /// <summary>
    /// The elements of the <c>bigint[]</c> parameter <paramref name="name"/> as rows to probe one at a time, read through
    /// a sub-select so that prepared statements keep a generic plan (see <see cref="NextAsync"/>).
    /// </summary>
    internal static string Probes(string name) => $"unnest((SELECT @{name}::bigint[]))";

    /// <summary>
    /// Walks from <paramref name="starts"/> (distance 0) for at most <paramref name="maxDepth"/> steps and
    /// <paramref name="maxNodes"/> nodes, the starts included. <paramref name="onward"/>, when given, sees each level
    /// as it is reached and returns the part of it the walk goes on from (the rest are ends, like human roots).
    /// True when the walk was cut: by the node limit, or at <paramref name="maxDepth"/> with a node beyond it.
    /// </summary>
    public async Task<bool> WalkAsync(IReadOnlyCollection<long> starts, int maxDepth, int maxNodes,
        Func<long[], CancellationToken, Task<IReadOnlyCollection<long>>>? onward, CancellationToken ct)
    {
        long[] level = [.. starts.Where(s => !Visited(s)).Distinct().Order()];
        Visit(level, 0);
        IReadOnlyCollection<long> from = onward is null ? level : await onward(level, ct);
        for (var distance = 1; from.Count > 0; distance++)
        {
            if (distance > maxDepth)
            {
                return (await NextAsync(from, 1, ct)).Length > 0;
            }
            var room = maxNodes - Count;
            level = await NextAsync(from, room + 1, ct);
            var cut = level.Length > room;
            if (cut)
            {
                level = level[..room];
            }
            Visit(level, distance);
            from = onward is null ? level : await onward(level, ct);
            if (cut)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Opens a REPEATABLE READ transaction, so that the levels of one walk and the rows read for it see one snapshot,
    /// as the single recursive statement did. Npgsql sends its BEGIN with the first query, so the snapshot costs no
    /// round trip of its own (a SET TRANSACTION READ ONLY would: the walks only read, and are written that way).
    /// </summary>
    public static async Task<NpgsqlTransaction> SnapshotAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
}
