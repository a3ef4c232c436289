using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;

namespace Provenance.Domain.Datasets;

/// <summary>What a target size and the shares are measured in.</summary>
public enum MixUnit
{
    Documents = 1,
    Tokens = 2,
}

/// <summary>
/// A validated mix specification: what a dataset version must contain. Every field has its default filled in, and
/// lists are sorted and de-duplicated, so that two specs that ask for the same mix are equal and serialize the same.
/// </summary>
/// <param name="Dataset">The dataset the version belongs to.</param>
/// <param name="Base">The version to accumulate on (<c>name@N</c>, <c>name</c> for its latest, or a version id), or null.</param>
/// <param name="Target">The size of the whole version, base included, in <paramref name="Unit"/>.</param>
/// <param name="MinHumanShare">The anchor: the least share of the version that is human.</param>
/// <param name="MaxSyntheticShare">The most share of the version that is synthetic (mixed documents count towards neither).</param>
/// <param name="MaxDepth">The deepest generation a model-written document may have; null for no limit.</param>
/// <param name="MaxGeneratorShare">The most share of the version one generator may have written; null for no cap.</param>
public sealed record MixSpec(
    string Dataset,
    string? Base,
    MixUnit Unit,
    long Target,
    decimal MinHumanShare,
    decimal MaxSyntheticShare,
    int? MaxDepth,
    decimal? MaxGeneratorShare,
    UnknownPolicy Unknown,
    MixFilters Filters,
    NearDuplicateSettings? NearDuplicates,
    bool RequireAnchors,
    long Seed)
{
    /// <summary>The weight a document adds to the version: 1, or its token count.</summary>
    public long WeightOf(int tokens) => Unit == MixUnit.Documents ? 1 : tokens;

    public string UnitName => Unit == MixUnit.Documents ? "documents" : "tokens";
}

/// <summary>
/// How documents of unknown provenance count: those of class <c>unknown</c>, and those whose class only a detector's
/// assertion decides (a detector's verdict is evidence, not provenance). By default they are left out. With
/// <see cref="Admit"/>, the latest detector assertion decides: P(human) at or above <see cref="HumanAtLeast"/> counts as
/// human, 1 - P(human) at or above <see cref="SyntheticAtLeast"/> counts as synthetic, anything in between stays out.
/// </summary>
public sealed record UnknownPolicy(bool Admit, decimal HumanAtLeast, decimal SyntheticAtLeast)
{
    public static readonly UnknownPolicy Exclude = new(false, 0, 0);

    /// <summary>The class an unknown document counts as, given its detector's P(human); null when it stays out.</summary>
    public ProvenanceClass? CountAs(double? pHuman)
    {
        if (!Admit || pHuman is not { } p || double.IsNaN(p))
        {
            return null;
        }
        if ((decimal)p >= HumanAtLeast)
        {
            return ProvenanceClass.Human;
        }
        return 1 - (decimal)p >= SyntheticAtLeast ? ProvenanceClass.Synthetic : null;
    }
}

/// <summary>Which documents may be added. Empty lists mean "any".</summary>
/// <param name="Languages">Lowercase BCP 47 tags; <c>en</c> also matches <c>en-GB</c>.</param>
/// <param name="Licences">An allow-list of licence identifiers, compared case-insensitively; documents without a licence are left out.</param>
/// <param name="SourceDomains">Hosts of the first sighting; <c>example.org</c> also matches <c>news.example.org</c>.</param>
/// <param name="FirstSeenFrom">Inclusive.</param>
/// <param name="FirstSeenBefore">Exclusive.</param>
/// <param name="Classes">The classes documents may be added as (human, synthetic, mixed).</param>
/// <param name="Generators">
/// The generators whose text may be added, sorted by name: a document the registry holds as synthetic or mixed is admitted
/// only when it names one of them. Human documents are not affected (<paramref name="Classes"/> leaves them out).
/// </param>
public sealed record MixFilters(
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Licences,
    IReadOnlyList<string> SourceDomains,
    DateTimeOffset? FirstSeenFrom,
    DateTimeOffset? FirstSeenBefore,
    IReadOnlyList<ProvenanceClass> Classes,
    IReadOnlyList<GeneratorName> Generators)
{
    public bool Allows(ProvenanceClass counted) => Classes.Contains(counted);

    public bool Equals(MixFilters? other) =>
        other is not null && Languages.SequenceEqual(other.Languages) && Licences.SequenceEqual(other.Licences)
        && SourceDomains.SequenceEqual(other.SourceDomains) && FirstSeenFrom == other.FirstSeenFrom
        && FirstSeenBefore == other.FirstSeenBefore && Classes.SequenceEqual(other.Classes) && Generators.SequenceEqual(other.Generators);

    public override int GetHashCode() => HashCode.Combine(Languages.Count, Licences.Count, SourceDomains.Count, FirstSeenFrom, FirstSeenBefore, Classes.Count, Generators.Count);
}

/// <summary>Near-duplicate removal: a document is left out when its estimated Jaccard similarity to one in the mix reaches <see cref="Threshold"/>.</summary>
public sealed record NearDuplicateSettings(double Threshold);
