using System.Globalization;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Derived;

/// <summary>
/// <see cref="GenerationDepth.Of"/> as one SQL expression, for the statements that compute depths set-based: the
/// staged merge for the documents it creates, <see cref="DerivedState"/> for existing ones. The classes that fix a
/// depth, and the depth they fix, come from <see cref="GenerationDepth.IsFixedByClass"/>; a test evaluates the
/// expression in PostgreSQL over every combination of inputs and compares it with the C# rule.
/// </summary>
internal static class GenerationDepthSql
{
    /// <summary>The depth of one document, from SQL expressions for its inputs.</summary>
    /// <param name="cls">The document's class: a <c>provenance_class</c> or its wire name as text.</param>
    /// <param name="hasPendingParents">True when a parent is named by a content hash that is not registered yet.</param>
    /// <param name="hasParentOfUnknownDepth">True when a registered parent has no depth.</param>
    /// <param name="maxParentDepth">The largest depth among the registered parents.</param>
    /// <remarks>The three lineage inputs may be NULL for a document without parents (aggregates over no rows).</remarks>
    public static string Of(string cls, string hasPendingParents, string hasParentOfUnknownDepth, string maxParentDepth)
    {
        var byClass = Enum.GetValues<ProvenanceClass>()
            .Select(c => GenerationDepth.IsFixedByClass(c, out var depth)
                ? $"WHEN {cls} = '{WireNames.Of(c)}' THEN {depth?.ToString(CultureInfo.InvariantCulture) ?? "NULL"} "
                : "");
        return $"CASE {string.Concat(byClass)}WHEN {hasPendingParents} THEN NULL WHEN {hasParentOfUnknownDepth} THEN NULL "
            + $"ELSE 1 + COALESCE({maxParentDepth}, 0) END";
    }
}
