using Npgsql;
using Provenance.Data.Derived;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Datasets;

/// <summary>
/// The row a mix reads a document from, shared by the candidate streams and the base's documents: columns 1..6 are
/// id, hash, tokens, generator, depth and domain, then <see cref="UnknownProvenanceColumns"/> (column 0 is the
/// reader's own: a sample key or a base ordinal).
/// </summary>
internal static class CandidateRow
{
    /// <summary>
    /// Columns 7..11 of a candidate row: what the unknown policy and the depth rule need; the last says whether only a
    /// detector decides the class (a boolean, not the assertion kind: it is read for every candidate).
    /// </summary>
    public const string UnknownProvenanceColumns =
        "det.p_human, lin.unknown_parent, lin.max_depth, EXISTS (SELECT 1 FROM pending_edges pe WHERE pe.child_id = d.id), d.decided_by IS NOT DISTINCT FROM 'detector'";

    /// <summary>
    /// Columns 7..11 for a query that leaves documents of unknown provenance out (its rows are never decided by a
    /// detector), so needs no scores.
    /// </summary>
    public const string NoUnknownProvenanceColumns = "NULL::float8, NULL::boolean, NULL::integer, false, false";

    /// <summary>
    /// P(human) from the document's highest-ranking detector assertion (<see cref="DerivedState.WithinKindOrder"/>: a
    /// watermark found, otherwise the latest): the detector's p_human evidence when it gave one, otherwise its confidence
    /// in the class it asserted (for a watermark, 1 − its confidence: the p-value).
    /// </summary>
    public static string DetectorScoreSql(string condition = "") => $"""
        SELECT COALESCE(CASE WHEN jsonb_typeof(a.evidence -> 'p_human') = 'number' THEN (a.evidence ->> 'p_human')::float8 END,
                        CASE a.class WHEN 'human' THEN a.confidence WHEN 'synthetic' THEN 1 - a.confidence WHEN 'mixed' THEN 1 - a.confidence END) AS p_human
          FROM assertions a
         WHERE a.document_id = d.id AND a.kind = 'detector'{condition}
         ORDER BY {DerivedState.WithinKindOrder}
         LIMIT 1
        """;

    /// <summary>What GenerationDepth needs to give an unknown document the depth it would have as synthetic.</summary>
    public const string ParentDepthsSql = """
        SELECT bool_or(p.depth IS NULL) AS unknown_parent, max(p.depth) AS max_depth
          FROM lineage_edges e JOIN documents p ON p.id = e.parent_id
         WHERE e.child_id = d.id
        """;

    /// <summary>
    /// The document of a candidate row of the registry class <paramref name="cls"/>; null for a document of unknown
    /// provenance that the policy leaves out.
    /// </summary>
    public static MixDocument? Read(NpgsqlDataReader r, ProvenanceClass cls, UnknownPolicy policy, long id)
    {
        var unknownProvenance = cls == ProvenanceClass.Unknown || r.GetBoolean(11);
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
        return new MixDocument(id, ContentHash.Adopt(r.GetFieldValue<byte[]>(2)), cls, counted,
            r.IsDBNull(4) ? null : r.GetInt32(4), depth, r.GetInt32(3), r.IsDBNull(6) ? null : r.GetString(6), unknownProvenance);
    }

    /// <summary>The depth an unknown document would get as synthetic, by the registry's depth rule.</summary>
    static int? ImpliedDepth(NpgsqlDataReader r, int first)
    {
        var unknownParent = !r.IsDBNull(first) && r.GetBoolean(first);
        int? maxParent = r.IsDBNull(first + 1) ? null : r.GetInt32(first + 1);
        var pending = r.GetBoolean(first + 2);
        // The parents' depths are summarized: a null stands for "some parent of unknown depth".
        IReadOnlyCollection<int?> parents = unknownParent ? [null] : maxParent is { } m ? [m] : [];
        return GenerationDepth.Of(ProvenanceClass.Synthetic, parents, pending);
    }
}
