using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Domain.Datasets;

/// <summary>A document as a mix sees it: the registry's facts at the snapshot, and the class it counts as.</summary>
/// <param name="Class">The registry's class.</param>
/// <param name="CountedAs">The class the shares count it as: its own class, or for an unknown document the class its
/// detector scores give under the spec's unknown policy (<see cref="ProvenanceClass.Unknown"/> when they give none; such a
/// document can only be in a mix as part of a base).</param>
/// <param name="Depth">Generation depth as counted: 0 for human, the registry's depth for synthetic and mixed, and for an
/// unknown document counted as synthetic the depth it would have if it were asserted synthetic.</param>
/// <param name="UnknownProvenance">True when nobody vouches for the document's class: it is unknown, or only a
/// detector's assertion decides it. Such documents count only through the spec's unknown policy.</param>
public sealed record MixDocument(
    long Id,
    ContentHash Hash,
    ProvenanceClass Class,
    ProvenanceClass CountedAs,
    int? GeneratorId,
    int? Depth,
    int Tokens,
    string? SourceDomain,
    bool UnknownProvenance = false)
{
    public bool IsModelWritten => CountedAs is ProvenanceClass.Synthetic or ProvenanceClass.Mixed;
}

/// <summary>A document offered to a mix, with what the spec's optional checks need.</summary>
/// <param name="HumanRoots">The nearest human ancestors (see <c>/roots</c>); needed when the spec requires anchors.</param>
/// <param name="Signature">The text's MinHash signature; needed when the spec removes near-duplicates.</param>
/// <remarks>A value, not an object: an assembly offers millions, and each is looked at once.</remarks>
public readonly record struct MixCandidate(MixDocument Document, IReadOnlyCollection<long>? HumanRoots = null, uint[]? Signature = null);

/// <summary>Why a candidate was not taken.</summary>
public enum SkipReason
{
    /// <summary>Already in the mix (in the base, or the same content hash).</summary>
    Duplicate,

    /// <summary>A document of unknown provenance that the unknown policy does not admit.</summary>
    UnknownClass,

    /// <summary>Counts as a class the filters leave out.</summary>
    ClassFilter,

    /// <summary>Model-written, and deeper than maxDepth (or of unknown depth while maxDepth is set).</summary>
    TooDeep,

    /// <summary>Taking it would leave too little room for human documents (minHumanShare).</summary>
    HumanFloor,

    /// <summary>Synthetic, and the synthetic share is full (maxSyntheticShare).</summary>
    SyntheticCap,

    /// <summary>Its generator's share is full (maxGeneratorShare).</summary>
    GeneratorCap,

    /// <summary>None of its human roots is in the mix (requireAnchors).</summary>
    Unanchored,

    /// <summary>Too similar to a document in the mix (nearDuplicates).</summary>
    NearDuplicate,
}

/// <summary>One constraint a spec cannot meet, with the numbers a person needs to fix it.</summary>
/// <param name="Constraint">The spec field that fails, such as <c>minHumanShare</c>.</param>
/// <param name="Needed">What the constraint needs, in the spec's unit.</param>
/// <param name="Available">What the registry could give towards it.</param>
/// <param name="Missing">Needed minus available.</param>
/// <param name="Problem">Sentences that say what failed.</param>
/// <param name="Suggestions">What would make the spec feasible, each checked against what the registry holds (<see cref="MixAdvisor"/>).</param>
public sealed record MixShortfall(string Constraint, long Needed, long Available, long Missing, string Problem, IReadOnlyList<MixSuggestion> Suggestions)
{
    public MixShortfall(string constraint, long needed, long available, long missing, string problem)
        : this(constraint, needed, available, missing, problem, [])
    {
    }

    /// <summary>What failed and what would make the spec feasible.</summary>
    public string Explanation => Suggestions.Count == 0 ? Problem : $"{Problem} {MixSuggestion.Sentences(Suggestions)}";

    /// <summary>
    /// Several shortfalls as one text: what failed, then what would work, each suggestion once (a change that fixes the
    /// whole spec can be the advice for more than one shortfall).
    /// </summary>
    public static string Describe(IEnumerable<MixShortfall> shortfalls)
    {
        var list = shortfalls.ToList();
        var suggestions = MixSuggestion.Sentences(list.SelectMany(s => s.Suggestions).DistinctBy(s => s.Text));
        return string.Join(" ", list.Select(s => s.Problem).Append(suggestions).Where(t => t.Length > 0));
    }
}
