using Npgsql;
using NpgsqlTypes;
using Provenance.Domain;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Derived;

/// <summary>
/// Keeps the derived columns of <c>documents</c> true to their sources: <c>class</c>, <c>generator_id</c> and
/// <c>decided_by</c> (from the assertion history, by <see cref="ProvenancePrecedence"/>) and <c>depth</c> (from the lineage, by
/// <see cref="Domain.Lineage.GenerationDepth"/>, as <see cref="GenerationDepthSql"/>). They are cached because stats and dataset selection filter millions
/// of rows on them, and recomputed set-based inside the transaction that changed their inputs.
/// </summary>
/// <remarks>
/// Concurrency: every transaction that may change the class or depth of a document that already exists holds
/// the lineage lock (<see cref="AdvisoryLocks.LineageAsync"/>) exclusively; transactions that only add new documents hold it shared. So a depth is
/// never computed from a parent whose depth another transaction is changing, and two class changes of one document
/// never interleave.
/// </remarks>
internal static class DerivedState
{
    /// <summary>
    /// <c>ORDER BY</c> terms that put first, among assertions of one kind aliased <c>a</c>, the one that ranks highest:
    /// a watermark found (<see cref="ProvenancePrecedence.IsWatermark"/>), then the newest. Whatever reads "the
    /// document's detector verdict" (a dataset's unknown policy, the PROV export) orders by it too. Declared before
    /// <see cref="PrecedenceOrder"/>, which is built from it: static fields initialize in textual order.
    /// </summary>
    internal static readonly string WithinKindOrder =
        $"(a.kind = '{WireNames.Of(AssertionKind.Detector)}' AND starts_with(a.asserted_by, '{ProvenancePrecedence.WatermarkPrefix}')) DESC, "
        + "a.asserted_at DESC, a.id DESC";

    /// <summary>
    /// <c>ORDER BY</c> terms that put the deciding assertion first. The kind ranks come from
    /// <see cref="AssertionKind"/>'s numeric values, the same ones <see cref="ProvenancePrecedence"/> compares.
    /// </summary>
    internal static readonly string PrecedenceOrder =
        "CASE a.kind " + string.Join(" ", Enum.GetValues<AssertionKind>().Select(k => $"WHEN '{WireNames.Of(k)}' THEN {(int)k}"))
        + " END DESC, " + WithinKindOrder;

    /// <summary>
    /// <see cref="ProvenancePrecedence.Stands"/> for the assertion aliased <c>a</c>: not a detector abstention, and not a
    /// detector verdict the same model (name before the last '@', any version) has followed with a later assertion.
    /// </summary>
    internal static readonly string StandsSql = $"""
        NOT (a.kind = '{WireNames.Of(AssertionKind.Detector)}' AND (a.class = '{WireNames.Of(ProvenanceClass.Unknown)}' OR EXISTS (
            SELECT 1 FROM assertions l
             WHERE l.document_id = a.document_id AND l.kind = a.kind
               AND {ModelNameSql("l.asserted_by")} = {ModelNameSql("a.asserted_by")}
               AND (l.asserted_at, l.id) > (a.asserted_at, a.id))))
        """;

    /// <summary><see cref="ProvenancePrecedence.ModelName"/> in SQL.</summary>
    internal static string ModelNameSql(string column) => $"regexp_replace({column}, '@[^@]*$', '')";

    // Documents whose assertions all stopped standing go back to unknown, so every id is joined, not only those
    // with a deciding assertion.
    static readonly string RefreshClassSql = $"""
        UPDATE documents d
           SET class = COALESCE(e.class, '{WireNames.Of(ProvenanceClass.Unknown)}'), generator_id = e.generator_id, decided_by = e.kind
          FROM unnest(@ids) AS x(id)
          LEFT JOIN LATERAL (SELECT a.class, a.generator_id, a.kind
                               FROM assertions a
                              WHERE a.document_id = x.id AND {StandsSql}
                              ORDER BY {PrecedenceOrder}
                              LIMIT 1) e ON true
         WHERE d.id = x.id
           AND (d.class, d.generator_id, d.decided_by) IS DISTINCT FROM (COALESCE(e.class, '{WireNames.Of(ProvenanceClass.Unknown)}'), e.generator_id, e.kind)
        """;

    /// <summary>The id of the deciding assertion of each document in <c>@ids</c> (none when no assertion stands).</summary>
    internal static readonly string DecidingAssertionSql = $"""
        SELECT DISTINCT ON (a.document_id) a.document_id, a.id
          FROM assertions a
         WHERE a.document_id = ANY(@ids) AND {StandsSql}
         ORDER BY a.document_id, {PrecedenceOrder}
        """;

    /// <summary>Recomputes class and generator of <paramref name="ids"/> from their assertions. Needs the lineage lock exclusively.</summary>
    public static async Task RefreshClassesAsync(NpgsqlConnection conn, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count > 0)
        {
            await ReadIdsAsync(conn, RefreshClassSql, [.. ids.Distinct().Order()], ct);
        }
    }

    static readonly string RefreshDepthSql = $"""
        UPDATE documents d
           SET depth = n.depth
          FROM (SELECT x.id,
                       {GenerationDepthSql.Of("x.class",
                           hasPendingParents: "EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = x.id)",
                           hasParentOfUnknownDepth: "bool_or(p.id IS NOT NULL AND p.depth IS NULL)",
                           maxParentDepth: "max(p.depth)")} AS depth
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
    /// Needs the lineage lock exclusively.
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
            var changed = await ReadIdsAsync(conn, RefreshDepthSql, frontier, ct);
            frontier = changed.Count == 0 ? [] : [.. (await ReadIdsAsync(conn, ChildrenSql, [.. changed], ct)).Order()];
        }
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
