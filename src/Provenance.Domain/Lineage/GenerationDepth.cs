using Provenance.Domain.Assertions;

namespace Provenance.Domain.Lineage;

/// <summary>
/// How many model generations separate a document from human writing. Human text has depth 0; synthetic or
/// mixed text has 1 + the largest depth among its parents (1 when it has none); the depth is unknown (null)
/// for unknown documents and whenever a parent's depth is unknown, including a parent that is not registered yet.
/// </summary>
/// <remarks>
/// The registry computes the same rule set-based in SQL, generated from this class (<c>GenerationDepthSql</c> in
/// Provenance.Data); a test evaluates that SQL in PostgreSQL for every combination of inputs and compares.
/// </remarks>
public static class GenerationDepth
{
    /// <summary>
    /// Whether <paramref name="cls"/> alone decides the depth, whatever the lineage: human text is depth 0, unknown
    /// text has none. False for the classes whose depth follows from their parents.
    /// </summary>
    public static bool IsFixedByClass(ProvenanceClass cls, out int? depth)
    {
        depth = cls == ProvenanceClass.Human ? 0 : null;
        return cls is ProvenanceClass.Human or ProvenanceClass.Unknown;
    }

    public static int? Of(ProvenanceClass cls, IReadOnlyCollection<int?> parentDepths, bool hasPendingParents)
    {
        if (IsFixedByClass(cls, out var fixedDepth))
        {
            return fixedDepth;
        }
        if (hasPendingParents)
        {
            return null;
        }
        var max = 0;
        foreach (var depth in parentDepths)
        {
            if (depth is null)
            {
                return null;
            }
            max = Math.Max(max, depth.Value);
        }
        return 1 + max;
    }
}
