using Npgsql;
using NpgsqlTypes;
using Provenance.Domain;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Registration;

/// <summary>
/// Keeps the two derived columns of <c>documents</c> true to their sources: <c>class</c> (from the assertion
/// history, by <see cref="ProvenancePrecedence"/>) and <c>depth</c> (from the lineage, by
/// <see cref="Domain.Lineage.GenerationDepth"/>). Both are cached because stats and dataset selection filter
/// millions of rows on them; both are recomputed set-based, inside the transaction that changed their inputs.
/// </summary>
internal static class DerivedState
{
    /// <summary>
    /// <c>ORDER BY</c> terms that put the deciding assertion first. The kind ranks come from
    /// <see cref="AssertionKind"/>'s numeric values, the same ones <see cref="ProvenancePrecedence"/> compares.
    /// </summary>
    internal static readonly string PrecedenceOrder =
        "CASE a.kind " + string.Join(" ", Enum.GetValues<AssertionKind>().Select(k => $"WHEN '{WireNames.Of(k)}' THEN {(int)k}"))
        + " END DESC, a.asserted_at DESC, a.id DESC";

    static readonly string RefreshClassSql = $"""
        UPDATE documents d
           SET class = e.class, class_assertion_id = e.id, generator_id = e.generator_id
          FROM (SELECT DISTINCT ON (a.document_id) a.document_id, a.id, a.class, a.generator_id
                  FROM assertions a
                 WHERE a.document_id = ANY(@ids)
                 ORDER BY a.document_id, {PrecedenceOrder}) e
         WHERE d.id = e.document_id AND d.class_assertion_id IS DISTINCT FROM e.id
        """;

    /// <summary>
    /// Recomputes the class of <paramref name="ids"/>. The rows are locked first so that the recomputation, a new
    /// statement, sees every assertion committed by a transaction that held the lock before us; a transaction that
    /// commits after us recomputes again once it gets the lock, so concurrent assertions cannot lose each other.
    /// </summary>
    public static async Task RefreshClassesAsync(NpgsqlConnection conn, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }
        var array = ids.Distinct().Order().ToArray();
        await using (var lockRows = new NpgsqlCommand("SELECT id FROM documents WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE", conn))
        {
            lockRows.Parameters.Add(new NpgsqlParameter<long[]>("ids", array));
            await lockRows.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand(RefreshClassSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", array));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // Parents are locked FOR SHARE before their depths are read, so a concurrent class change of a parent either
    // finishes first (and we read its new depth) or waits for us (and then sees our new child when it propagates).
    const string LockParentsSql = """
        SELECT 1 FROM lineage_edges e JOIN documents p ON p.id = e.parent_id
         WHERE e.child_id = ANY(@ids) ORDER BY p.id FOR SHARE OF p
        """;

    const string RefreshDepthSql = """
        UPDATE documents d
           SET depth = n.depth
          FROM (SELECT x.id,
                       CASE WHEN x.class = 'human' THEN 0
                            WHEN x.class = 'unknown' THEN NULL
                            WHEN EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = x.id) THEN NULL
                            WHEN bool_or(p.id IS NOT NULL AND p.depth IS NULL) THEN NULL
                            ELSE 1 + COALESCE(max(p.depth), 0)
                       END AS depth
                  FROM documents x
                  LEFT JOIN lineage_edges e ON e.child_id = x.id
                  LEFT JOIN documents p ON p.id = e.parent_id
                 WHERE x.id = ANY(@ids)
                 GROUP BY x.id, x.class) n
         WHERE d.id = n.id AND d.depth IS DISTINCT FROM n.depth
        RETURNING d.id
        """;

    const string ChildrenSql = "SELECT DISTINCT child_id FROM lineage_edges WHERE parent_id = ANY(@ids)";

    /// <summary>
    /// Recomputes the depth of <paramref name="ids"/> and, wherever a depth changed, of the children below it,
    /// until nothing changes. The lineage is acyclic, so this ends after at most (longest path) rounds.
    /// </summary>
    public static async Task RefreshDepthsAsync(NpgsqlConnection conn, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var frontier = ids.Distinct().Order().ToArray();
        for (var round = 0; frontier.Length > 0; round++)
        {
            if (round > 100_000)
            {
                throw new InvalidOperationException("Depth propagation did not settle; the lineage graph must contain a cycle.");
            }
            await ExecuteAsync(conn, LockParentsSql, frontier, ct);
            var changed = await ReadIdsAsync(conn, RefreshDepthSql, frontier, ct);
            frontier = changed.Count == 0 ? [] : [.. (await ReadIdsAsync(conn, ChildrenSql, [.. changed], ct)).Order()];
        }
    }

    static async Task ExecuteAsync(NpgsqlConnection conn, string sql, long[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task<List<long>> ReadIdsAsync(NpgsqlConnection conn, string sql, long[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        var result = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetInt64(0));
        }
        return result;
    }
}
