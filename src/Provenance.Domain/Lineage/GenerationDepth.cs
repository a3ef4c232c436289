using Provenance.Domain.Assertions;

namespace Provenance.Domain.Lineage;

/// <summary>
/// How many model generations separate a document from human writing. Human text has depth 0; synthetic or
/// mixed text has 1 + the largest depth among its parents (1 when it has none); the depth is unknown (null)
/// for unknown documents and whenever a parent's depth is unknown, including a parent that is not registered yet.
/// </summary>
/// <remarks>The registry computes the same rule set-based in SQL; the property tests check that both agree.</remarks>
public static class GenerationDepth
{
    public static int? Of(ProvenanceClass cls, IReadOnlyCollection<int?> parentDepths, bool hasPendingParents)
    {
        switch (cls)
        {
            case ProvenanceClass.Human:
                return 0;
            case ProvenanceClass.Unknown:
                return null;
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
