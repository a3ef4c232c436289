using System.Data;
using System.Globalization;
using System.Text;
using Npgsql;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Lineage;

/// <summary>
/// One step of a walk: the table of links, the column a step leaves from and the column it arrives at. Each step's
/// query filters on <see cref="From"/>, the column the table is distributed by, so that on Citus it goes only to the
/// shards that hold the frontier.
/// </summary>
/// <param name="FewPerNode">
/// A node has few links this way (a document names at most Registry:MaxParents parents; a version has one base), so a
/// walk may read several generations a statement (<see cref="Frontier.LevelsPerStatement"/>): the generations read past
/// the one where the walk is cut cost little. A document may have any number of children, so a walk down reads one.
/// </param>
internal sealed record FrontierStep(string Table, string From, string To, bool HasRelation, bool FewPerNode)
{
    /// <summary>Child to parent: lineage_edges is distributed by child_id.</summary>
    public static readonly FrontierStep Parents = new("lineage_edges", "child_id", "parent_id", HasRelation: true, FewPerNode: true);

    /// <summary>Parent to child: on one PostgreSQL node the index on parent_id serves; on Citus, the reverse edge table.</summary>
    public static readonly FrontierStep Children = new("lineage_edges", "parent_id", "child_id", HasRelation: true, FewPerNode: false);

    /// <summary>A dataset version to the base it accumulates on.</summary>
    public static readonly FrontierStep DatasetBases = new("dataset_versions", "id", "base_version_id", HasRelation: false, FewPerNode: true);
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
    /// Generations a walk asks for in one statement when nothing has to see a level before the next is read (no
    /// <c>onward</c>) and each node has few links the way it goes (<see cref="FrontierStep.FewPerNode"/>): the slowest
    /// walks up are the deep ones, whose time was mostly their round trips, one a generation.
    /// </summary>
    internal const int LevelsPerStatement = 4;

    /// <summary>
    /// The nodes one step from <paramref name="frontier"/> that are not visited yet, smallest id first, at most
    /// <paramref name="limit"/>.
    /// </summary>
    public async Task<long[]> NextAsync(IReadOnlyCollection<long> frontier, int limit, CancellationToken ct)
    {
        if (frontier.Count == 0 || limit <= 0)
        {
            return [];
        }
        var (level, _) = Unvisited((await LevelsAsync(frontier, 1, (long)limit + Count, ct))[0], limit);
        return level;
    }

    /// <summary>
    /// The next <paramref name="levels"/> generations from <paramref name="frontier"/> as the database sees them: level k
    /// is every node one step from level k − 1, visited or not (the database is not told which), smallest id first and
    /// at most <paramref name="rowsPerLevel"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Level k holds the walk's true generation k (those of its nodes not visited yet), and besides it only nodes one step
    /// from nodes visited before, which are visited by the time generation k is taken: so dropping the visited ones, in
    /// order, gives each generation exactly. A level cut at <paramref name="rowsPerLevel"/> is exact up to its last row;
    /// with as many rows as the walk's node limit plus one, a cut level still holds more unvisited nodes than the walk
    /// has room for, so the walk stops there, cut, and never reads the levels after it.
    /// </para>
    /// <para>
    /// Each frontier node is probed on its own (<c>CROSS JOIN LATERAL … WHERE from = f.id</c>) rather than with
    /// <c>from = ANY(@frontier)</c>: PostgreSQL prunes hash partitions by an array only while planning, so that form was
    /// either planned afresh every level over all the partitions (what it did: on 16 partitions the plan took ten times
    /// the execution) or, in a generic plan, scanned every partition. A probe per value prunes at run time to the one
    /// partition that holds it, in a generic plan that the prepared statement keeps. The visited nodes stay here:
    /// sending them every level cost a walk bytes that grew with its size. On Citus each level is an ordinary
    /// distributed query, where a recursive CTE runs only inside one shard.
    /// </para>
    /// <para>
    /// The array is read through a sub-select (<c>unnest((SELECT @frontier))</c>) so that the planner cannot see its
    /// length: otherwise each execution's custom plan, costed on the actual array, looks cheaper than the generic one,
    /// and PostgreSQL plans every statement afresh.
    /// </para>
    /// </remarks>
    async Task<long[][]> LevelsAsync(IReadOnlyCollection<long> frontier, int levels, long rowsPerLevel, CancellationToken ct)
    {
        var filter = step.HasRelation && relations is { Count: > 0 } ? " AND e.relation = ANY(@rels)" : "";
        var sql = new StringBuilder("WITH ");
        for (var k = 1; k <= levels; k++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                l{k} AS (SELECT DISTINCT e.{step.To} AS id FROM {(k == 1 ? $"{Probes("frontier")} f(id)" : $"l{k - 1} f")}
                          CROSS JOIN LATERAL (SELECT e.{step.To} FROM {step.Table} e WHERE e.{step.From} = f.id AND e.{step.To} IS NOT NULL{filter}) e
                          ORDER BY 1
                          LIMIT @limit),

                """);
        }
        sql.Length -= 2;
        sql.AppendJoin(" UNION ALL ", Enumerable.Range(1, levels).Select(k => $"SELECT {k}, id FROM l{k}"));
        sql.Append(" ORDER BY 1, 2");
        await using var cmd = new NpgsqlCommand(sql.ToString(), conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("frontier", [.. frontier]));
        cmd.Parameters.Add(new NpgsqlParameter<long>("limit", rowsPerLevel));
        if (filter.Length > 0)
        {
            cmd.Parameters.Add(new NpgsqlParameter<LineageRelation[]>("rels", [.. relations!]));
        }
        // A walk runs this statement every few generations, so it is prepared: Npgsql keeps it on the physical connection
        // and later walks skip the parse and plan.
        await cmd.PrepareAsync(ct);
        var rows = Enumerable.Range(0, levels).Select(_ => new List<long>()).ToArray();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetInt32(0) - 1].Add(reader.GetInt64(1));
        }
        return [.. rows.Select(r => r.ToArray())];
    }

    /// <summary>The nodes of <paramref name="level"/> not visited yet, in order, at most <paramref name="room"/>; Cut when there were more.</summary>
    (long[] Nodes, bool Cut) Unvisited(long[] level, long room)
    {
        var nodes = new List<long>();
        foreach (var id in level)
        {
            if (!Visited(id))
            {
                if (nodes.Count == room)
                {
                    return ([.. nodes], true);
                }
                nodes.Add(id);
            }
        }
        return ([.. nodes], false);
    }

    /// <summary>
    /// The elements of the <c>bigint[]</c> parameter <paramref name="name"/> as rows to probe one at a time, read through
    /// a sub-select so that prepared statements keep a generic plan (see <see cref="LevelsAsync"/>).
    /// </summary>
    internal static string Probes(string name) => $"unnest((SELECT @{name}::bigint[]))";

    /// <summary>
    /// Walks from <paramref name="starts"/> (distance 0) for at most <paramref name="maxDepth"/> steps and
    /// <paramref name="maxNodes"/> nodes, the starts included. <paramref name="onward"/>, when given, sees each level
    /// as it is reached and returns the part of it the walk goes on from (the rest are ends, like human roots); without
    /// it, and where nodes have few links (<see cref="FrontierStep.FewPerNode"/>), <see cref="LevelsPerStatement"/>
    /// generations are read a statement.
    /// True when the walk was cut: by the node limit, or at <paramref name="maxDepth"/> with a node beyond it.
    /// </summary>
    public async Task<bool> WalkAsync(IReadOnlyCollection<long> starts, int maxDepth, int maxNodes,
        Func<long[], CancellationToken, Task<IReadOnlyCollection<long>>>? onward, CancellationToken ct)
    {
        long[] level = [.. starts.Where(s => !Visited(s)).Distinct().Order()];
        Visit(level, 0);
        IReadOnlyCollection<long> from = onward is null ? level : await onward(level, ct);
        var distance = 0;
        while (from.Count > 0)
        {
            // One level past maxDepth is read too: a node there means the walk was cut.
            var levels = onward is null && step.FewPerNode ? (int)Math.Min(LevelsPerStatement, (long)maxDepth - distance + 1) : 1;
            foreach (var candidates in await LevelsAsync(from, levels, (long)maxNodes + 1, ct))
            {
                distance++;
                if (distance > maxDepth)
                {
                    return candidates.Any(id => !Visited(id));
                }
                (level, var cut) = Unvisited(candidates, Math.Max(0, maxNodes - Count));
                Visit(level, distance);
                from = onward is null ? level : await onward(level, ct);
                if (cut)
                {
                    return true;
                }
                if (from.Count == 0)
                {
                    // The levels after this one hold only nodes one step from nodes visited before.
                    return false;
                }
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
