using Provenance.Domain.Documents;
using Provenance.Domain.Generators;

namespace Provenance.Data.Registration;

/// <summary>One row of <c>stage_docs</c>: a distinct text, its sighting times, and the declaration that sets its class.</summary>
internal readonly record struct StagedDocument(RegistrationItem Item, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, ValidDeclaration? Declared);

/// <summary>One row of <c>stage_parents</c>; <paramref name="Generator"/> defaults to the child's declared one.</summary>
internal readonly record struct StagedParent(ContentHash Child, ValidParent Parent, GeneratorName? Generator);

/// <summary>
/// The rows the staged merge copies into its staging tables for a set of items, deduplicated the way a
/// batch reads when its items are registered one after another.
/// </summary>
/// <param name="Documents">One per distinct text, in first-seen order.</param>
/// <param name="Sightings">Every item: each one is a sighting.</param>
/// <param name="Declarations">The last declaration of each text by each registrant, in batch order.</param>
/// <param name="Parents">Each distinct edge once.</param>
internal sealed record StagedRows(
    IReadOnlyList<StagedDocument> Documents,
    IReadOnlyList<RegistrationItem> Sightings,
    IReadOnlyList<RegistrationItem> Declarations,
    IReadOnlyList<StagedParent> Parents)
{
    public static StagedRows Of(IReadOnlyList<RegistrationItem> items)
    {
        // A text's class is that of its last declaration in the batch: for a new document that declaration is the
        // whole history, and precedence picks the last of equal-time assertions.
        var docs = new Dictionary<ContentHash, StagedDocument>();
        foreach (var item in items)
        {
            var t = item.S.CrawledAt;
            docs[item.S.Hash] = docs.TryGetValue(item.S.Hash, out var d)
                ? d with { FirstSeen = Min(d.FirstSeen, t), LastSeen = Max(d.LastSeen, t), Declared = item.S.Declared ?? d.Declared }
                : new StagedDocument(item, t, t, item.S.Declared);
        }

        // Within one batch only the last declaration of a document by the same registrant counts: they would
        // all carry the same assertion time, and precedence would pick the last one anyway.
        var declarations = items.Where(i => i.S.Declared is not null)
            .GroupBy(i => (i.S.Hash, i.Registrant)).Select(g => g.Last()).OrderBy(i => i.Index).ToList();

        var parents = items.SelectMany(i => i.S.Parents.Select(p => new StagedParent(i.S.Hash, p, p.Generator ?? i.S.Declared?.Generator)))
            .Distinct().ToList();
        return new StagedRows([.. docs.Values], items, declarations, parents);
    }

    static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
