using System.Text.Json.Serialization;

namespace Provenance.Contracts.Datasets;

/// <summary>
/// What a dataset version must contain: the body of <c>POST /v1/datasets</c>, the file of <c>provenance assemble</c>
/// and the spec of an <see cref="AssembleDataset"/> message. In a manifest it appears with every default filled in.
/// </summary>
/// <param name="Dataset">The dataset the version belongs to: lowercase letters, digits, '.', '_', '-'.</param>
/// <param name="Base">The version to accumulate on: name@N, a dataset name (its latest version) or a version id.</param>
/// <param name="Target">The size of the whole version, base included: documents or tokens. Shares are measured in the same unit.</param>
/// <param name="MinHumanShare">The anchor: the least share of the version that is human, 0..1.</param>
/// <param name="MaxSyntheticShare">The most share that is synthetic, 0..1 (default 1 - minHumanShare); mixed documents count towards neither.</param>
/// <param name="MaxDepth">The deepest generation a model-written document may have (1 = generated straight from human text).</param>
/// <param name="MaxGeneratorShare">The most share of the version one generator may have written.</param>
/// <param name="Unknown">How documents of unknown provenance count (class unknown, or a class only a detector gave): left out (default) or admitted by detector thresholds.</param>
/// <param name="NearDuplicates">When present, documents too similar to one already in the mix are left out (MinHash/LSH).</param>
/// <param name="RequireAnchors">Admit a model-written document only when one of its human roots is in the mix.</param>
/// <param name="Seed">Chooses where sampling starts; the same seed on the same registry gives the same version.</param>
public sealed record DatasetSpec(
    string? Dataset,
    string? Base = null,
    DatasetTarget? Target = null,
    double? MinHumanShare = null,
    double? MaxSyntheticShare = null,
    int? MaxDepth = null,
    double? MaxGeneratorShare = null,
    UnknownDocumentsSpec? Unknown = null,
    DatasetFilters? Filters = null,
    NearDuplicatesSpec? NearDuplicates = null,
    bool? RequireAnchors = null,
    long? Seed = null);

/// <summary>Exactly one of <paramref name="Documents"/> and <paramref name="Tokens"/>.</summary>
public sealed record DatasetTarget(long? Documents = null, long? Tokens = null);

/// <param name="Admit">none (default) or detector.</param>
/// <param name="HumanAtLeast">With detector: P(human) at or above this counts as human (default 0.9).</param>
/// <param name="SyntheticAtLeast">With detector: 1 - P(human) at or above this counts as synthetic (default 0.9).</param>
public sealed record UnknownDocumentsSpec(string? Admit = null, double? HumanAtLeast = null, double? SyntheticAtLeast = null);

/// <summary>Which documents may be added; a missing or empty list admits any value.</summary>
/// <param name="Languages">BCP 47 tags; en also matches en-GB.</param>
/// <param name="Licences">Allowed licence identifiers (case-insensitive); documents without a licence are left out when set.</param>
/// <param name="SourceDomains">Hosts of the first sighting; example.org also matches news.example.org.</param>
/// <param name="FirstSeenFrom">Inclusive lower bound on the document's first sighting.</param>
/// <param name="FirstSeenBefore">Exclusive upper bound on the document's first sighting.</param>
/// <param name="Classes">Classes documents may be added as: human, synthetic, mixed (default all three).</param>
/// <param name="Generators">Generators (name@version) whose text may be added: a synthetic or mixed document is admitted only when it
/// names one of them; human documents are not affected. Left out of a manifest when empty.</param>
public sealed record DatasetFilters(
    IReadOnlyList<string?>? Languages = null,
    IReadOnlyList<string?>? Licences = null,
    IReadOnlyList<string?>? SourceDomains = null,
    DateTimeOffset? FirstSeenFrom = null,
    DateTimeOffset? FirstSeenBefore = null,
    IReadOnlyList<string?>? Classes = null,
    // Absent rather than [] when empty, so the canonical manifest of a spec without it, and so its hash, is what it
    // was before the filter existed.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string?>? Generators = null);

/// <param name="Threshold">Estimated Jaccard similarity of word 5-grams at which a document counts as a near-duplicate, 0.5..1 (default 0.8).</param>
public sealed record NearDuplicatesSpec(double? Threshold = null);
